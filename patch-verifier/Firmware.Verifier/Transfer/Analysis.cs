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
    private readonly Dictionary<(int Chain, int Pc), (AbstractState State, int Joins)> _states = [];
    private readonly SortedSet<(int Chain, int Pc)> _work = [];
    private readonly Dictionary<string, int> _chains = [];
    private readonly HashSet<(int From, int To)> _edges = [];
    private readonly HashSet<int> _exits = [];
    private int _visited;

    public Analysis(EbpfProgram program, VerifierOptions options)
    {
        _program = program;
        _options = options;
        _code = program.Instructions;
        _cfg = new ControlFlow(_code);
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
                var key = _work.Min;
                _work.Remove(key);
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
            if (++_visited > _options.MaxInstructionsVisited)
                _step.Fail($"program too complex: more than {_options.MaxInstructionsVisited} instructions visited without reaching a fixpoint");
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
        var key = (ChainOf(state), pc);
        if (!_states.TryGetValue(key, out var existing))
        {
            // Callers hand over states they no longer touch; blocks run on clones of the stored ones.
            _states[key] = (state, 0);
            _work.Add(key);
            return;
        }
        bool widen = _cfg.IsLoopHead(pc) && existing.Joins >= WideningDelay;
        var joined = existing.State.Join(state, widen ? _thresholds : null);
        if (joined.SameAs(existing.State)) return;
        _states[key] = (joined, existing.Joins + 1);
        _work.Add(key);
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
