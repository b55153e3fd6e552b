using Firmware.Ebpf.Jit.Assembly;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Registers;

namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// Helper calls (AAPCS, through a patched pool word) and local calls (a native BL to the callee's entry,
/// with the caller's r6..r9 pushed and r10 one frame lower).
/// </summary>
public sealed partial class Thumb2Compiler
{
    private readonly Dictionary<int, Label> _functionEntries = [];
    private Label? _findHelper;

    void IInstructionEmitter.EmitCall(int pc, Instruction insn)
    {
        if (insn.Source == OperandSource.X)
        {
            // callx: the number is only known at run time, so look it up in the loader's helper table.
            LoadPair(insn.Dst, 0, 1);
            _a.Bl(_findHelper ??= _a.CreateLabel());
            _a.BCond(Condition.Ne, FaultStub(Thumb2Fault.UnknownHelper, pc));
        }
        else if (insn.Src == (byte)CallKind.Local)
        {
            EmitLocalCall(pc, pc + 1 + insn.Imm);
            return;
        }
        else
            LoadLiteral(Scratch, Thumb2RelocationKind.Helper, insn.Imm);
        EmitHelperCall(pc);
    }

    /// <summary>
    /// r0 = helper(r1, ..., r5) for the helper whose address is in r12: r1 in r0:r1, r2 in r2:r3, r3..r5 on the
    /// stack. A helper that refused its arguments set env->fault; the code then leaves at once with it.
    /// </summary>
    private void EmitHelperCall(int pc)
    {
        _a.DataImmediate(DataOp.Sub, false, Sp, Sp, HelperArgumentBytes, 2);
        for (int argument = 3; argument <= 5; argument++)
        {
            LoadPair(argument, 0, 1);
            _a.Emit(LoadStoreDual(false, 0, 1, Sp, 8 * (argument - 3)));
        }
        LoadPair(Isa.Register.R1, 0, 1);
        LoadPair(2, 2, 3);
        _a.Emit(BranchLinkExchange(Scratch));
        _a.DataImmediate(DataOp.Add, false, Sp, Sp, HelperArgumentBytes, 2);
        StorePair(Isa.Register.R0, 0, 1);
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, 2, Env, EnvFault));
        _a.CompareImmediate(2, 0, Scratch);
        var stub = _a.CreateLabel();
        _a.BCond(Condition.Ne, stub);
        _cold.Add(() =>
        {
            _a.Bind(stub);
            _a.MovImmediate(1, (uint)pc);
            _a.B(_helperExit);
        });
    }

    /// <summary>
    /// A local call: depth check (the new r10 must stay above the lowest frame), the back-edge charge for a
    /// call backwards, then r6..r9 pushed, r10 -= 512, BL to the callee's entry, and all of it undone.
    /// </summary>
    private void EmitLocalCall(int pc, int target)
    {
        LoadLow(Isa.Register.FramePointer, 0);
        _a.DataImmediate(DataOp.Sub, false, 0, 0, ProgramInstance.StackFrameSize, Scratch);
        _a.DataImmediate(DataOp.Add, false, 1, Registers, StackBase + ProgramInstance.StackFrameSize, Scratch);
        Compare(0, 1);
        _a.BCond(Condition.Lo, FaultStub(Thumb2Fault.CallDepth, pc));
        if (target <= pc) ChargeBackEdge(pc, target);
        StoreLow(Isa.Register.FramePointer, 0);
        const ushort saved = 0xff; // r0-r7: the eBPF r6..r9 pairs
        _a.DataImmediate(DataOp.Add, false, Scratch, Registers, (uint)Slot(Isa.Register.R6), Scratch);
        _a.Emit(LoadStoreMultiple(true, false, false, Scratch, saved));
        _a.Emit(LoadStoreMultiple(false, true, true, Sp, saved));
        _a.Bl(FunctionEntry(target));
        _a.Emit(LoadStoreMultiple(true, false, true, Sp, saved));
        _a.DataImmediate(DataOp.Add, false, Scratch, Registers, (uint)Slot(Isa.Register.R6), Scratch);
        _a.Emit(LoadStoreMultiple(false, false, false, Scratch, saved));
        LoadLow(Isa.Register.FramePointer, 0);
        _a.DataImmediate(DataOp.Add, false, 0, 0, ProgramInstance.StackFrameSize, Scratch);
        StoreLow(Isa.Register.FramePointer, 0);
    }

    /// <summary>A cold entry for calls to <paramref name="target"/>: push r3, lr as every function does, then the body.</summary>
    private Label FunctionEntry(int target)
    {
        if (_functionEntries.TryGetValue(target, out var entry)) return entry;
        entry = _a.CreateLabel();
        _functionEntries[target] = entry;
        _cold.Add(() =>
        {
            _a.Bind(entry);
            _a.Emit(PushPopNarrow(false, 1 << 3, true));
            _a.B(LabelOf(target));
        });
        return entry;
    }

    /// <summary>
    /// The helper table lookup of callx. In: r0:r1 = the helper number. Out: Z set and r12 = its address when
    /// the loader's table (relocation kind 5: a count, then id, address pairs) has it. Clobbers r2, r3.
    /// </summary>
    private void EmitFindHelper()
    {
        Label next = _a.CreateLabel(), found = _a.CreateLabel(), missing = _a.CreateLabel();
        _a.Bind(_findHelper!.Value);
        _a.CompareImmediate(1, 0, Scratch);
        _a.BCond(Condition.Ne, missing);
        LoadLiteral(2, Thumb2RelocationKind.HelperTable, 0);
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, 3, 2, 0));
        _a.DataImmediate(DataOp.Add, false, 2, 2, 4, Scratch);
        _a.Bind(next);
        _a.CompareImmediate(3, 0, Scratch);
        _a.BCond(Condition.Eq, missing);
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, Scratch, 2, 0));
        Compare(Scratch, 0);
        _a.BCond(Condition.Eq, found);
        _a.DataImmediate(DataOp.Add, false, 2, 2, 8, Scratch);
        _a.DataImmediate(DataOp.Sub, false, 3, 3, 1, Scratch);
        _a.B(next);
        _a.Bind(found);
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, Scratch, 2, 4));
        Compare(0, 0); // Z = 1
        _a.Emit(BranchExchange(Lr));
        _a.Bind(missing);
        _a.CompareImmediate(Sp, 0, Scratch); // Z = 0: sp is never 0
        _a.Emit(BranchExchange(Lr));
    }
}
