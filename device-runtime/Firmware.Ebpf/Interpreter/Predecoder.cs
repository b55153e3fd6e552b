using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Jit;

namespace Firmware.Ebpf.Interpreter;

/// <summary>
/// Turns a validated program into <see cref="DecodedOp"/>s once, so the dispatch loop never re-decodes,
/// and gives proven loads, stores and atomics their unchecked opcodes.
/// </summary>
internal static class Predecoder
{
    public static DecodedOp[] Decode(ProgramInstance instance, IAccessProofs proofs, out Helper[] helpers)
    {
        var code = instance.Program.Instructions;
        var ops = new DecodedOp[code.Length];
        var helperList = new List<Helper>();
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            ref var op = ref ops[pc];
            op.Opcode = OpcodeOf(insn);
            op.Dst = insn.Dst;
            op.Src = insn.Src;
            op.Offset = insn.Offset;
            op.Imm = insn.Imm;
            if (insn.Class is InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx && proofs.IsProvenSafe(pc))
                op.Opcode = PseudoOp.Unchecked(op.Opcode);
            if (insn.IsLddw)
            {
                op.Imm = (long)instance.ResolveLddw(insn, code[pc + 1]);
                pc++;
            }
            else if (insn.Class == InstructionClass.Jmp32 && insn.JmpOp == JmpOp.Ja)
                op.Offset = pc + 1 + insn.Imm;
            else if (Opcode.IsJump(insn.Opcode) && insn.JmpOp is not (JmpOp.Call or JmpOp.Exit))
                op.Offset = pc + 1 + insn.Offset;
            else if (op.Opcode == PseudoOp.CallLocal)
                op.Offset = pc + 1 + insn.Imm;
            else if (insn.Opcode == Opcode.Call)
            {
                op.Imm = helperList.Count;
                helperList.Add(instance.Helpers.Find(insn.Imm)!); // ProgramInstance checked it exists
            }
        }
        helpers = [.. helperList];
        return ops;
    }

    private static byte OpcodeOf(Instruction insn)
    {
        if (insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Local) return PseudoOp.CallLocal;
        if (!Opcode.IsAlu(insn.Opcode)) return insn.Opcode;
        bool is64 = insn.Class == InstructionClass.Alu64, k = insn.Source == OperandSource.K;
        return insn.AluOp switch
        {
            AluOp.Div when insn.Offset == 1 => is64 ? (k ? PseudoOp.SDiv64K : PseudoOp.SDiv64X) : (k ? PseudoOp.SDiv32K : PseudoOp.SDiv32X),
            AluOp.Mod when insn.Offset == 1 => is64 ? (k ? PseudoOp.SMod64K : PseudoOp.SMod64X) : (k ? PseudoOp.SMod32K : PseudoOp.SMod32X),
            AluOp.Mov when !k && insn.Offset != 0 => (is64, insn.Offset) switch
            {
                (true, 8) => PseudoOp.MovSx64From8,
                (true, 16) => PseudoOp.MovSx64From16,
                (true, _) => PseudoOp.MovSx64From32,
                (false, 8) => PseudoOp.MovSx32From8,
                _ => PseudoOp.MovSx32From16,
            },
            AluOp.End => EndOp(insn),
            _ => insn.Opcode,
        };
    }

    private static byte EndOp(Instruction insn)
    {
        bool swap = insn.Class == InstructionClass.Alu64 || Semantics.EndSwaps(insn.Source);
        return (swap, insn.Imm) switch
        {
            (true, 16) => PseudoOp.Swap16,
            (true, 32) => PseudoOp.Swap32,
            (true, _) => PseudoOp.Swap64,
            (false, 16) => PseudoOp.ZeroExtend16,
            (false, 32) => PseudoOp.ZeroExtend32,
            _ => PseudoOp.Nop,
        };
    }
}
