using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Maps;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// What every JIT's compiler shares, whatever the machine: which instructions need a label, the dispatch
/// from an eBPF instruction to the architecture's emitter, the exit sites, the helper table, the region
/// cache slots, which accesses need a run-time check, what a back edge costs, and whether the code stays
/// <see cref="JitProgram.Brief"/>. An architecture (X64/, Arm64/) supplies the emitters and the encoding.
/// </summary>
internal abstract class JitCompiler : IInstructionEmitter
{
    private readonly IAccessProofs _proofs;
    private readonly bool[] _labelled;
    private readonly List<ExitSite> _sites = [];
    private readonly List<Helper> _helpers = [];
    private readonly Dictionary<int, int> _helperIndex = [];
    /// <summary>No back edge, local call or call into managed code so far (see <see cref="JitProgram.Brief"/>).</summary>
    private bool _brief;

    protected JitCompiler(ProgramInstance instance, IAccessProofs proofs)
    {
        Instance = instance;
        Instructions = instance.Program.Instructions;
        Analysis = new ProgramAnalysis(instance);
        _proofs = proofs;
        _brief = Instructions.Length <= JitProgram.BriefLength;
        _labelled = new bool[Instructions.Length + 1];
        for (int pc = 0; pc <= Instructions.Length; pc++)
            _labelled[pc] = Analysis.IsTarget(pc);
        for (int pc = 0; pc < Instructions.Length; pc++)
            if (NeedsFallThroughLabel(pc)) _labelled[pc + 1] = true;
    }

    protected ProgramInstance Instance { get; }
    protected Instruction[] Instructions { get; }
    protected ProgramAnalysis Analysis { get; }

    /// <summary>Region cache slots handed out so far (<see cref="NewCacheSlot"/>).</summary>
    protected int CacheSlots { get; private set; }

    /// <summary>Whether control can enter <paramref name="pc"/> other than by falling through (index Length: just past the end).</summary>
    protected bool IsLabelled(int pc) => _labelled[pc];

    /// <summary>
    /// A conditional back edge is emitted as "if not taken, jump to the next instruction; charge; jump back",
    /// so the instruction after it needs a label.
    /// </summary>
    private bool NeedsFallThroughLabel(int pc)
    {
        var insn = Instructions[pc];
        return Opcode.IsJump(insn.Opcode) && insn.JmpOp is not (JmpOp.Ja or JmpOp.Call or JmpOp.Exit)
            && ProgramAnalysis.JumpTarget(insn, pc) <= pc;
    }

    /// <summary>Emits instruction <paramref name="pc"/> (both slots of a lddw) through the architecture's emitters.</summary>
    protected void EmitInstruction(int pc) => InstructionDispatch.Emit(this, Instructions, pc);

    void IInstructionEmitter.EmitAlu(Instruction insn) => EmitAlu(insn);
    void IInstructionEmitter.EmitLddw(int pc, Instruction first, Instruction second) => EmitLoadImmediate64(first.Dst, Instance.ResolveLddw(first, second));
    void IInstructionEmitter.EmitLoad(int pc, Instruction insn) => EmitLoad(pc, insn);
    void IInstructionEmitter.EmitStore(int pc, Instruction insn) => EmitStore(pc, insn);
    void IInstructionEmitter.EmitAtomic(int pc, Instruction insn) => EmitAtomic(pc, insn);
    void IInstructionEmitter.EmitCall(int pc, Instruction insn) => EmitCall(pc, insn);
    void IInstructionEmitter.EmitExit() => EmitExit();
    void IInstructionEmitter.EmitJump(int pc, Instruction insn, int target) => EmitJump(pc, insn, target);

    /// <summary>Helper calls, callx, inlined array-map lookups and local calls.</summary>
    private void EmitCall(int pc, Instruction insn)
    {
        if (insn.Source == OperandSource.X)
        {
            _brief = false;
            EmitHelperCall(pc, RunState.Callx, insn.Dst);
        }
        else if (insn.Src == (byte)CallKind.Local)
        {
            _brief = false;
            EmitLocalCall(pc, pc + 1 + insn.Imm);
        }
        else if (Analysis.InlineLookup(pc) is { } map)
            EmitArrayLookup(pc, map);
        else
        {
            _brief = false;
            EmitHelperCall(pc, HelperIndex(insn.Imm), null);
        }
    }

    protected abstract void EmitAlu(Instruction insn);

    /// <summary>lddw, with its value resolved (an immediate, a map handle or a map value's address).</summary>
    protected abstract void EmitLoadImmediate64(int dst, ulong value);

    protected abstract void EmitLoad(int pc, Instruction insn);

    protected abstract void EmitStore(int pc, Instruction insn);

    protected abstract void EmitAtomic(int pc, Instruction insn);

    /// <summary>exit: return from the current function (the program at depth 0).</summary>
    protected abstract void EmitExit();

    /// <summary>ja, ja32 and the conditional jumps; a <paramref name="target"/> at or before <paramref name="pc"/> is a back edge.</summary>
    protected abstract void EmitJump(int pc, Instruction insn, int target);

    /// <summary>A call through <see cref="HelperBridge"/>: helper <paramref name="helperIndex"/>, or <see cref="RunState.Callx"/> with the number in <paramref name="callxRegister"/>.</summary>
    protected abstract void EmitHelperCall(int pc, int helperIndex, int? callxRegister);

    /// <summary>A local call: depth check, then (for a call backwards) the back-edge charge, then a fresh frame.</summary>
    protected abstract void EmitLocalCall(int pc, int target);

    /// <summary>map_lookup_elem on a known array map (<see cref="ProgramAnalysis.InlineLookup"/>), inline.</summary>
    protected abstract void EmitArrayLookup(int pc, ArrayMap map);

    /// <summary>Records a place where the code can stop; the code reports the returned index.</summary>
    protected int AddExitSite(ExitSite site)
    {
        _sites.Add(site);
        return _sites.Count - 1;
    }

    /// <summary>The index a call site passes in <see cref="RunState.HelperIndex"/> for helper <paramref name="id"/>.</summary>
    protected int HelperIndex(int id)
    {
        if (!_helperIndex.TryGetValue(id, out int index))
        {
            index = _helpers.Count;
            _helpers.Add(Instance.Helpers.Find(id)!); // ProgramInstance checked it exists
            _helperIndex[id] = index;
        }
        return index;
    }

    /// <summary>
    /// Whether an access of <paramref name="size"/> bytes at base + offset needs a run-time region check. None
    /// for accesses the proofs cover, nor for r10 + off within one frame: the decoder rejects every write to
    /// r10, so r10 is always StackTop - 512 * depth with depth &lt; 8, and -512 &lt;= off, off + size &lt;= 0
    /// stays inside the stack.
    /// </summary>
    protected bool NeedsRegionCheck(int pc, int baseRegister, short offset, int size) =>
        !_proofs.IsProvenSafe(pc)
        && !(baseRegister == Register.FramePointer && offset >= -ProgramInstance.StackFrameSize && offset + size <= 0);

    /// <summary>A new region cache slot for one checked access site: its offset from the start of the <see cref="RunState"/>.</summary>
    protected int NewCacheSlot() => RunState.CacheOffset(CacheSlots++);

    /// <summary>
    /// What a back edge from <paramref name="pc"/> to <paramref name="target"/> charges the budget: the length
    /// of one iteration, as the interpreter charges it. Code with a back edge is not brief.
    /// </summary>
    protected int BackEdgeCost(int pc, int target)
    {
        _brief = false;
        return pc + 1 - target;
    }

    protected JitProgram Finish(byte[] code) => new(code, [.. _sites], CacheSlots, [.. _helpers], _brief);
}
