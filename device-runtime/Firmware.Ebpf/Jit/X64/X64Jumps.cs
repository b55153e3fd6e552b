using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Iced.Intel;
using Instruction = Firmware.Ebpf.Isa.Instruction;
using X86 = Iced.Intel.Instruction;
using static Firmware.Ebpf.Jit.X64.X64Registers;

namespace Firmware.Ebpf.Jit.X64;

/// <summary>
/// JMP and JMP32: a cmp (test for jset) and a jcc. A jump to an earlier instruction is a back edge and
/// pays for the loop first, exactly as the interpreter does: budget -= pc_after_jump - target, and a
/// negative budget is BudgetExceeded at the jump. A conditional back edge becomes
/// <code>
/// j!cond next_instruction; sub r10, cost; js budget_exceeded; jmp target
/// </code>
/// </summary>
internal sealed partial class X64Compiler
{
    /// <summary>x86 conditions by eBPF comparison (jset tests, then jumps on non-zero).</summary>
    private static readonly Dictionary<JmpOp, ConditionCode> Conditions = new()
    {
        [JmpOp.Jeq] = ConditionCode.e,
        [JmpOp.Jne] = ConditionCode.ne,
        [JmpOp.Jset] = ConditionCode.ne,
        [JmpOp.Jgt] = ConditionCode.a,
        [JmpOp.Jge] = ConditionCode.ae,
        [JmpOp.Jlt] = ConditionCode.b,
        [JmpOp.Jle] = ConditionCode.be,
        [JmpOp.Jsgt] = ConditionCode.g,
        [JmpOp.Jsge] = ConditionCode.ge,
        [JmpOp.Jslt] = ConditionCode.l,
        [JmpOp.Jsle] = ConditionCode.le,
    };

    /// <summary>The branch for each condition and its negation.</summary>
    private static readonly Dictionary<ConditionCode, Action<Assembler, Label>> Branches = new()
    {
        [ConditionCode.e] = (a, l) => a.je(l),
        [ConditionCode.ne] = (a, l) => a.jne(l),
        [ConditionCode.a] = (a, l) => a.ja(l),
        [ConditionCode.be] = (a, l) => a.jbe(l),
        [ConditionCode.ae] = (a, l) => a.jae(l),
        [ConditionCode.b] = (a, l) => a.jb(l),
        [ConditionCode.g] = (a, l) => a.jg(l),
        [ConditionCode.le] = (a, l) => a.jle(l),
        [ConditionCode.ge] = (a, l) => a.jge(l),
        [ConditionCode.l] = (a, l) => a.jl(l),
    };

    private static readonly Dictionary<ConditionCode, ConditionCode> Negations = new()
    {
        [ConditionCode.e] = ConditionCode.ne, [ConditionCode.ne] = ConditionCode.e,
        [ConditionCode.a] = ConditionCode.be, [ConditionCode.be] = ConditionCode.a,
        [ConditionCode.ae] = ConditionCode.b, [ConditionCode.b] = ConditionCode.ae,
        [ConditionCode.g] = ConditionCode.le, [ConditionCode.le] = ConditionCode.g,
        [ConditionCode.ge] = ConditionCode.l, [ConditionCode.l] = ConditionCode.ge,
    };

    protected override void EmitJump(int pc, Instruction insn, int target)
    {
        if (insn.JmpOp == JmpOp.Ja)
        {
            if (target <= pc) ChargeBackEdge(pc, target);
            _a.jmp(LabelOf(target));
            return;
        }
        EmitComparison(insn);
        var condition = Conditions[insn.JmpOp];
        if (target > pc)
        {
            Branches[condition](_a, LabelOf(target));
            return;
        }
        Branches[Negations[condition]](_a, LabelOf(pc + 1));
        ChargeBackEdge(pc, target);
        _a.jmp(LabelOf(target));
    }

    /// <summary>cmp or test of dst with the immediate (sign-extended to 64 bits) or the source register.</summary>
    private void EmitComparison(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Jmp, test = insn.JmpOp == JmpOp.Jset;
        var dst = Operand(insn.Dst, wide);
        if (insn.Source == OperandSource.X)
            Emit(X86.Create(test ? (wide ? Code.Test_rm64_r64 : Code.Test_rm32_r32) : (wide ? Code.Cmp_rm64_r64 : Code.Cmp_rm32_r32),
                dst, Operand(insn.Src, wide)));
        else if (insn.Imm == 0 && !test) // same flags as cmp dst, 0
            Emit(X86.Create(wide ? Code.Test_rm64_r64 : Code.Test_rm32_r32, dst, dst));
        else
            Emit(X86.Create(test ? (wide ? Code.Test_rm64_imm32 : Code.Test_rm32_imm32) : (wide ? Code.Cmp_rm64_imm32 : Code.Cmp_rm32_imm32),
                dst, insn.Imm));
    }

    private void ChargeBackEdge(int pc, int target)
    {
        _a.sub(Budget, BackEdgeCost(pc, target));
        _a.js(ExitStub(new ExitSite(FaultKind.BudgetExceeded, pc)));
    }
}
