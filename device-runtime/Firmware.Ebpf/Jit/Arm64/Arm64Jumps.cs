using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;
using static Firmware.Ebpf.Jit.Arm64.Arm64Registers;
using Instruction = Firmware.Ebpf.Isa.Instruction;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>
/// JMP and JMP32: a CMP (TST for jset) and a B.cond. A jump to an earlier instruction is a back edge and
/// pays for the loop first, exactly as the interpreter does: budget -= pc_after_jump - target, and a
/// negative budget is BudgetExceeded at the jump. A conditional back edge becomes
/// <code>
/// b.!cond next_instruction; subs x25, x25, cost; b.mi budget_exceeded; b target
/// </code>
/// Out-of-range B.cond are the assembler's business (<see cref="Arm64Assembler"/>).
/// </summary>
internal sealed partial class Arm64Compiler
{
    /// <summary>A64 conditions by eBPF comparison (jset tests, then branches on non-zero).</summary>
    private static readonly Dictionary<JmpOp, Condition> Conditions = new()
    {
        [JmpOp.Jeq] = Condition.Eq,
        [JmpOp.Jne] = Condition.Ne,
        [JmpOp.Jset] = Condition.Ne,
        [JmpOp.Jgt] = Condition.Hi,
        [JmpOp.Jge] = Condition.Hs,
        [JmpOp.Jlt] = Condition.Lo,
        [JmpOp.Jle] = Condition.Ls,
        [JmpOp.Jsgt] = Condition.Gt,
        [JmpOp.Jsge] = Condition.Ge,
        [JmpOp.Jslt] = Condition.Lt,
        [JmpOp.Jsle] = Condition.Le,
    };

    protected override void EmitJump(int pc, Instruction insn, int target)
    {
        if (insn.JmpOp == JmpOp.Ja)
        {
            if (target <= pc) ChargeBackEdge(pc, target);
            _a.B(LabelOf(target));
            return;
        }
        EmitComparison(insn);
        var condition = Conditions[insn.JmpOp];
        if (target > pc)
        {
            _a.BCond(condition, LabelOf(target));
            return;
        }
        _a.BCond(Arm64Assembler.Invert(condition), LabelOf(pc + 1));
        ChargeBackEdge(pc, target);
        _a.B(LabelOf(target));
    }

    /// <summary>CMP or TST of dst with the immediate (sign-extended to 64 bits, or 32 bits for JMP32) or the source register.</summary>
    private void EmitComparison(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Jmp, test = insn.JmpOp == JmpOp.Jset;
        int dst = Reg(insn.Dst);
        if (insn.Source == OperandSource.X)
        {
            if (test) _a.Emit(LogicalShiftedRegister(wide, LogicalOp.Ands, Shift.Lsl, false, Reg(insn.Src), 0, dst, Arm64Assembler.Zr));
            else _a.Compare(wide, dst, Reg(insn.Src));
        }
        else if (test)
            _a.LogicalImmediate(wide, LogicalOp.Ands, Arm64Assembler.Zr, dst, wide ? (ulong)(long)insn.Imm : (uint)insn.Imm, ImmediateScratch);
        else
            _a.CompareImmediate(wide, dst, insn.Imm, ImmediateScratch);
    }

    private void ChargeBackEdge(int pc, int target)
    {
        _a.AddImmediate(true, Budget, Budget, -BackEdgeCost(pc, target), ImmediateScratch, setFlags: true);
        _a.BCond(Condition.Mi, ExitStub(new ExitSite(FaultKind.BudgetExceeded, pc)));
    }
}
