using Firmware.Ebpf.Isa;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Registers;

namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// JMP and JMP32. A 64-bit comparison of r4:r5 with r6:r7 sets the flags of one condition:
/// <code>
/// eq, ne, unsigned:  cmp hi, hi2; it eq; cmpeq lo, lo2     (C and Z as for the 64-bit values)
/// signed lt, ge:     cmp lo, lo2; sbcs r12, hi, hi2         (N and V as for the 64-bit values)
/// signed gt, le:     the same with the operands swapped, as lt and ge
/// jset:              (lo and lo2) or (hi and hi2), setting Z
/// </code>
/// A jump to an earlier instruction is a back edge and pays for the loop first, exactly as the
/// interpreter does: budget -= pc_after_jump - target, BudgetExceeded at the jump when it would go below 0.
/// A conditional back edge becomes "b&lt;!c&gt; next; subs r10, cost; blo budget_exceeded; b target".
/// </summary>
public sealed partial class Thumb2Compiler
{
    /// <summary>Conditions by eBPF comparison; <c>Swap</c> compares src with dst (signed gt and le on 64 bits).</summary>
    private static readonly Dictionary<JmpOp, (Condition Condition, bool Swap)> Conditions = new()
    {
        [JmpOp.Jeq] = (Condition.Eq, false),
        [JmpOp.Jne] = (Condition.Ne, false),
        [JmpOp.Jset] = (Condition.Ne, false),
        [JmpOp.Jgt] = (Condition.Hi, false),
        [JmpOp.Jge] = (Condition.Hs, false),
        [JmpOp.Jlt] = (Condition.Lo, false),
        [JmpOp.Jle] = (Condition.Ls, false),
        [JmpOp.Jsgt] = (Condition.Lt, true),
        [JmpOp.Jsge] = (Condition.Ge, false),
        [JmpOp.Jslt] = (Condition.Lt, false),
        [JmpOp.Jsle] = (Condition.Ge, true),
    };

    /// <summary>The same on 32 bits, where one CMP gives every condition directly.</summary>
    private static readonly Dictionary<JmpOp, Condition> Conditions32 = new()
    {
        [JmpOp.Jsgt] = Condition.Gt,
        [JmpOp.Jsle] = Condition.Le,
    };

    void IInstructionEmitter.EmitJump(int pc, Instruction insn, int target)
    {
        if (insn.JmpOp == JmpOp.Ja)
        {
            if (target <= pc) ChargeBackEdge(pc, target);
            _a.B(LabelOf(target));
            return;
        }
        var condition = EmitComparison(insn);
        if (target > pc)
        {
            _a.BCond(condition, LabelOf(target));
            return;
        }
        _a.BCond(Thumb2Assembler.Invert(condition), LabelOf(pc + 1));
        ChargeBackEdge(pc, target);
        _a.B(LabelOf(target));
    }

    /// <summary>Sets the flags for <paramref name="insn"/>'s comparison; returns the condition that means "taken".</summary>
    private Condition EmitComparison(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Jmp;
        var (condition, swap) = Conditions[insn.JmpOp];
        if (insn.Source == OperandSource.K) LoadConstant(SrcLo, SrcHi, wide ? (ulong)(long)insn.Imm : (uint)insn.Imm);
        else LoadPair(insn.Src, SrcLo, SrcHi);
        LoadPair(insn.Dst, DstLo, DstHi);
        if (!wide)
        {
            if (insn.JmpOp == JmpOp.Jset) _a.Emit(DataShiftedRegister(DataOp.And, true, DstLo, Pc, SrcLo));
            else Compare(DstLo, SrcLo);
            return Conditions32.GetValueOrDefault(insn.JmpOp, condition);
        }
        switch (insn.JmpOp)
        {
            case JmpOp.Jset:
                _a.Emit(DataShiftedRegister(DataOp.And, false, DstLo, Scratch, SrcLo));
                _a.Emit(DataShiftedRegister(DataOp.And, false, DstHi, 2, SrcHi));
                _a.Emit(DataShiftedRegister(DataOp.Orr, true, Scratch, Scratch, 2));
                break;
            case JmpOp.Jsgt or JmpOp.Jsge or JmpOp.Jslt or JmpOp.Jsle:
                var (left, right) = swap ? ((SrcLo, SrcHi), (DstLo, DstHi)) : ((DstLo, DstHi), (SrcLo, SrcHi));
                Compare(left.Item1, right.Item1);
                _a.Emit(DataShiftedRegister(DataOp.Sbc, true, left.Item2, Scratch, right.Item2));
                break;
            default:
                Compare(DstHi, SrcHi);
                _a.Emit(IfThen(Condition.Eq));
                Compare(DstLo, SrcLo);
                break;
        }
        return condition;
    }

    private void Compare(int rn, int rm) => _a.Emit(DataShiftedRegister(DataOp.Sub, true, rn, Pc, rm));

    /// <summary>Charges a back edge (or a backward local call) its iteration's length; leaves when the budget would go below 0.</summary>
    private void ChargeBackEdge(int pc, int target)
    {
        _a.DataImmediate(DataOp.Sub, true, Budget, Budget, (uint)(pc + 1 - target), Scratch);
        _a.BCond(Condition.Lo, FaultStub(Thumb2Fault.Budget, pc));
    }
}
