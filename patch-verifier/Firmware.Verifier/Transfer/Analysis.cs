using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Verifier.Cfg;
using Firmware.Verifier.Diagnostics;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>
/// The abstract interpreter: a worklist over (call chain, block start) with one joined state each,
/// widened at loop heads, so every reachable instruction is checked against a state that covers every
/// path reaching it. The first unsafe instruction stops the analysis with its diagnostic.
/// </summary>
internal sealed class Analysis
{
    /// <summary>
    /// Loop heads join exactly this many times before widening, so loops of up to about this many
    /// iterations get exact bounds (widening, even to thresholds, can overshoot a bound that only a
    /// linked register's check implies, such as `i` when the loop tests `i + 1 < len`).
    /// </summary>
    private const int WideningDelay = 1024;

    private readonly EbpfProgram _program;
    private readonly VerifierOptions _options;
    private readonly Instruction[] _code;
    private readonly ControlFlow _cfg;
    private readonly Thresholds _thresholds;
    private readonly bool[] _proven;
    private readonly Step _step;
    /// <summary>Null when iterations are not explored apart (the first, joined pass).</summary>
    private readonly Partitions? _partitions;
    private readonly int _maxVisited;
    private readonly Dictionary<(int Chain, int Pc, int Partition), (AbstractState State, int Joins)> _states = [];
    private readonly LoopRegions _regions;

    /// <summary>
    /// Blocks to run, lowest first: by call chain, then by pc, except that a loop region's blocks rank
    /// together at its start, ordered by partition (iterations in the order they were found) and then by
    /// pc, so that each iteration is finished before the next one starts and code after the region waits
    /// for all of them.
    /// </summary>
    private readonly SortedSet<(int Chain, int Rank, int Partition, int Pc)> _work = [];
    private readonly Dictionary<string, int> _chains = [];
    private readonly HashSet<(int From, int To)> _edges = [];
    private readonly HashSet<int> _exits = [];
    private int _visited;

    /// <summary>Set when the pass stopped at its instruction budget rather than at an unsafe instruction.</summary>
    public bool OutOfBudget { get; private set; }

    /// <summary>Whether a loop of the program has a counter, so that a pass exploring iterations apart could differ.</summary>
    public bool CanExploreIterations => _regions.HasCounters;

    /// <param name="exploreIterations">Whether loops that start from constants are followed one iteration at a time (<see cref="Partitions"/>).</param>
    /// <param name="maxVisited">The instructions this pass may visit (<see cref="VerifierOptions.MaxInstructionsVisited"/> less what an earlier pass used).</param>
    public Analysis(EbpfProgram program, VerifierOptions options, bool exploreIterations, int maxVisited)
    {
        _maxVisited = maxVisited;
        _program = program;
        _options = options;
        _code = program.Instructions;
        _cfg = new ControlFlow(_code);
        _regions = new LoopRegions(_code, _cfg);
        _partitions = exploreIterations ? new Partitions(_regions) : null;
        _thresholds = new Thresholds(Constants(program, options));
        _proven = new bool[_code.Length];
        _step = new Step(program, options, _proven);
    }

    public VerificationResult Run()
    {
        try
        {
            Propagate(0, EntryState.Create(_options));
            while (_work.Count > 0)
            {
                var next = _work.Min;
                _work.Remove(next);
                var key = (next.Chain, next.Pc, next.Partition);
                RunBlock(key.Pc, _states[key].State.Clone());
            }
            CheckLoopsExit();
            return new VerificationResult(true, [], new ProvenAccesses(_proven), _visited);
        }
        catch (VerificationError e)
        {
            var diagnostic = new Diagnostic(e.Instruction, e.Message, _program.LineOf(e.Instruction), e.State);
            return new VerificationResult(false, [diagnostic], Ebpf.Jit.NoProofs.Instance, _visited);
        }
    }

    private void RunBlock(int pc, AbstractState state)
    {
        _step.State = state;
        while (true)
        {
            _step.Pc = pc;
            if (++_visited > _maxVisited)
            {
                OutOfBudget = true;
                _step.Fail($"program too complex: more than {_options.MaxInstructionsVisited} instructions visited without reaching a fixpoint");
            }
            var insn = _code[pc];
            switch (insn.Class)
            {
                case InstructionClass.Alu or InstructionClass.Alu64:
                    AluTransfer.Execute(_step, insn);
                    break;
                case InstructionClass.Ld:
                    LoadImmediate.Execute(_step, insn, _code[pc + 1]);
                    pc++;
                    break;
                case InstructionClass.Ldx:
                    MemoryTransfer.Load(_step, insn);
                    break;
                case InstructionClass.St:
                    MemoryTransfer.Store(_step, insn);
                    break;
                case InstructionClass.Stx when insn.AccessMode == AccessMode.Atomic:
                    MemoryTransfer.Atomic(_step, insn);
                    break;
                case InstructionClass.Stx:
                    MemoryTransfer.Store(_step, insn);
                    break;
                default:
                    if (Jump(pc, insn)) return;
                    break;
            }
            pc++;
            if (_cfg.IsLeader(pc))
            {
                Propagate(pc, _step.State);
                return;
            }
        }
    }

    /// <summary>Interprets a JMP/JMP32; true when the block ends here (its successors are propagated).</summary>
    private bool Jump(int pc, Instruction insn)
    {
        var state = _step.State;
        switch (insn.JmpOp)
        {
            case JmpOp.Call when insn.Src == (byte)CallKind.Local:
                Propagate(ControlFlow.JumpTarget(insn, pc)!.Value, FrameTransfer.Call(_step, pc + 1));
                return true;
            case JmpOp.Call:
                HelperCall.Execute(_step, insn);
                return false;
            case JmpOp.Exit:
                _exits.Add(pc);
                if (FrameTransfer.Exit(_step) is { } caller)
                    Propagate(state.Current.ReturnPc, caller);
                return true;
            case JmpOp.Ja:
                Edge(pc, ControlFlow.JumpTarget(insn, pc)!.Value, state);
                return true;
            default:
                var (taken, fallthrough) = BranchTransfer.Execute(_step, insn);
                if (taken is not null) Edge(pc, ControlFlow.JumpTarget(insn, pc)!.Value, taken);
                if (fallthrough is not null) Edge(pc, pc + 1, fallthrough);
                return true;
        }
    }

    private void Edge(int from, int to, AbstractState state)
    {
        _edges.Add((from, to));
        Propagate(to, state);
    }

    private void Propagate(int pc, AbstractState state)
    {
        int chain = ChainOf(state);
        bool loopHead = _cfg.IsLoopHead(pc);
        if ((_partitions is null ? 0 : _partitions.At(chain, pc, loopHead, state)) is not int partition)
        {
            Fold(chain, pc);
            partition = 0;
        }
        state.Partition = partition;
        Store((chain, pc, partition), state, loopHead);
    }

    private (int, int, int, int) WorkItem((int Chain, int Pc, int Partition) key) =>
        (key.Chain, _regions.RegionOf(key.Pc) is int r and >= 0 ? _regions.Start(r) : key.Pc, key.Partition, key.Pc);

    /// <summary>Joins <paramref name="state"/> into the one stored under <paramref name="key"/>, queueing the block when that changes it.</summary>
    private void Store((int Chain, int Pc, int Partition) key, AbstractState state, bool loopHead)
    {
        if (!_states.TryGetValue(key, out var existing))
        {
            // Callers hand over states they no longer touch; blocks run on clones of the stored ones.
            _states[key] = (state, 0);
            _work.Add(WorkItem(key));
            return;
        }
        bool widen = loopHead && existing.Joins >= WideningDelay;
        var joined = existing.State.Join(state, widen ? _thresholds : null);
        if (joined.SameAs(existing.State)) return;
        _states[key] = (joined, existing.Joins + 1);
        _work.Add(WorkItem(key));
    }

    /// <summary>
    /// Stops exploring iterations apart in the region of <paramref name="pc"/> (it reached its limit of
    /// partitions): every state of its partitions joins the region's partition 0.
    /// </summary>
    private void Fold(int chain, int pc)
    {
        _partitions!.Fold(chain, pc);
        foreach (var key in _states.Keys.Where(k => k.Chain == chain && _partitions.FoldedInto(chain, k.Partition)).ToList())
        {
            var state = _states[key].State;
            _states.Remove(key);
            _work.Remove(WorkItem(key));
            state.Partition = 0;
            Store((key.Chain, key.Pc, 0), state, _cfg.IsLoopHead(key.Pc));
        }
    }

    /// <summary>Interns the call chain (the return pcs of the active frames) as a small number.</summary>
    private int ChainOf(AbstractState state)
    {
        if (state.Frames.Count == 1) return 0;
        string chain = string.Join(',', state.Frames.Skip(1).Select(f => f.ReturnPc));
        if (!_chains.TryGetValue(chain, out int id))
            _chains[chain] = id = _chains.Count + 1;
        return id;
    }

    /// <summary>
    /// The termination argument's structural half: each loop must have a feasible way out (an edge
    /// leaving it that some path takes, or an exit inside it). See docs/verifier.md.
    /// </summary>
    private void CheckLoopsExit()
    {
        foreach (var (head, end) in _cfg.Loops.OrderBy(l => l.Head))
        {
            bool reached = _states.Keys.Any(k => k.Pc == head);
            if (!reached) continue;
            bool leaves = _edges.Any(e => e.From >= head && e.From <= end && (e.To < head || e.To > end))
                || _exits.Any(x => x >= head && x <= end);
            if (leaves) continue;
            throw new VerificationError(head, $"loop at insn {head} may not terminate: no path leaves it", null);
        }
    }

    /// <summary>Widening thresholds: every immediate, the context and map value sizes, and the known arguments.</summary>
    private static IEnumerable<long> Constants(EbpfProgram program, VerifierOptions options)
    {
        yield return 0;
        yield return options.Context.Size;
        foreach (var insn in program.Instructions)
        {
            yield return insn.Imm;
            yield return insn.Offset;
        }
        foreach (var map in program.Maps) yield return map.ValueSize;
        foreach (var argument in options.Arguments)
            if (argument is ArgumentKind.Constant c) yield return c.Value;
    }
}
