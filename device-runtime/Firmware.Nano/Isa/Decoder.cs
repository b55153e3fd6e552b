using Firmware.Ebpf.Isa;

namespace Firmware.Nano.Isa;

/// <summary>
/// The twin of Firmware.Ebpf.Isa.Decoder for nanoFramework (which has no spans, records or index-from-end):
/// the same rules, the same first error index and the same messages, so a device rejects exactly what the
/// host would. The tests run both over the same valid and corrupted programs.
/// </summary>
public static class Decoder
{
    public const int MaxInstructions = 1 << 20;

    private const int Ld = (int)InstructionClass.Ld, Ldx = (int)InstructionClass.Ldx, St = (int)InstructionClass.St,
        Stx = (int)InstructionClass.Stx, Alu = (int)InstructionClass.Alu, Alu64 = (int)InstructionClass.Alu64,
        Jmp32 = (int)InstructionClass.Jmp32;

    public static Slot[] Decode(byte[] code, out DecodeError error)
    {
        error = null;
        if (code.Length == 0)
        {
            error = new DecodeError(0, "program is empty");
            return new Slot[0];
        }
        if (code.Length % Slot.Size != 0)
        {
            error = new DecodeError(code.Length / Slot.Size,
                "program length " + code.Length + " is not a multiple of " + Slot.Size + " bytes");
            return new Slot[0];
        }
        var slots = Slot.ReadAll(code);
        error = Validate(slots);
        return error == null ? slots : new Slot[0];
    }

    /// <summary>Checks every slot; returns the first problem, or null when the program is well formed.</summary>
    public static DecodeError Validate(Slot[] program)
    {
        if (program.Length == 0) return new DecodeError(0, "program is empty");
        if (program.Length > MaxInstructions)
            return new DecodeError(MaxInstructions, "program has more than " + MaxInstructions + " instructions");
        for (int pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            string reason = CheckRegisters(insn);
            if (reason == null)
            {
                switch (insn.Class)
                {
                    case Ld: reason = CheckLd(program, pc); break;
                    case Ldx: reason = CheckLdx(insn); break;
                    case St: reason = CheckSt(insn); break;
                    case Stx: reason = CheckStx(insn); break;
                    case Alu:
                    case Alu64: reason = CheckAlu(insn); break;
                    default: reason = CheckJmp(program, pc); break;
                }
            }
            if (reason != null) return new DecodeError(pc, reason);
            if (insn.IsLddw) pc++;
        }
        // Execution must never run off the end: the last slot has to leave unconditionally.
        var last = program[program.Length - 1];
        bool leaves = last.Opcode == Opcode.Exit || last.Opcode == Opcode.Ja || last.Opcode == Opcode.Ja32;
        if (!leaves || (program.Length > 1 && program[program.Length - 2].IsLddw))
            return new DecodeError(program.Length - 1, "the program can run past its last instruction (it must end with exit or an unconditional jump)");
        return null;
    }

    private static string Unknown(Slot insn) => "unknown opcode 0x" + Hex2(insn.Opcode);

    /// <summary>Two lower-case hex digits, as the host's "x2" format prints an opcode.</summary>
    private static string Hex2(int value)
    {
        const string digits = "0123456789abcdef";
        return new string(new[] { digits[(value >> 4) & 0xf], digits[value & 0xf] });
    }

    private static string CheckRegisters(Slot insn)
    {
        if (insn.Dst >= Register.Count) return "invalid destination register r" + insn.Dst;
        if (insn.Src >= Register.Count && !(insn.IsLddw || insn.Opcode == Opcode.Call))
            return "invalid source register r" + insn.Src;
        bool writesDst = insn.Class == Alu || insn.Class == Alu64 || insn.Class == Ldx || insn.Class == Ld;
        if (writesDst && insn.Dst == Register.FramePointer) return "r10 is read-only";
        return null;
    }

    private static string Unused(Slot insn, bool dst, bool src, bool offset, bool imm)
    {
        if (dst && insn.Dst != 0) return "unused destination register field is not zero";
        if (src && insn.Src != 0) return "unused source register field is not zero";
        if (offset && insn.Offset != 0) return "unused offset field is not zero";
        if (imm && insn.Imm != 0) return "unused immediate field is not zero";
        return null;
    }

    private static string CheckLd(Slot[] program, int pc)
    {
        var insn = program[pc];
        if (!insn.IsLddw)
            return insn.AccessMode == (int)AccessMode.Abs || insn.AccessMode == (int)AccessMode.Ind
                ? "legacy packet access opcode 0x" + Hex2(insn.Opcode) + " is not supported"
                : Unknown(insn);
        if (insn.Src > (byte)LddwKind.MapValueByIndex) return "unknown lddw source " + insn.Src;
        if (insn.Offset != 0) return "unused offset field is not zero";
        if (pc + 1 >= program.Length) return "lddw is truncated: its second slot is missing";
        var next = program[pc + 1];
        if (next.Opcode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0)
            return "lddw second slot must have zero opcode, registers and offset";
        if ((insn.Src == (byte)LddwKind.MapByFd || insn.Src == (byte)LddwKind.MapByIndex) && next.Imm != 0)
            return "lddw of a map must have a zero second immediate";
        return null;
    }

    private static string CheckLdx(Slot insn)
    {
        bool valid = insn.AccessMode == (int)AccessMode.Mem
            || (insn.AccessMode == (int)AccessMode.MemSx && insn.AccessSize != (int)AccessSize.DW);
        return valid ? Unused(insn, false, false, false, true) : Unknown(insn);
    }

    private static string CheckSt(Slot insn) =>
        insn.AccessMode == (int)AccessMode.Mem ? Unused(insn, false, true, false, false) : Unknown(insn);

    private static string CheckStx(Slot insn)
    {
        if (insn.AccessMode == (int)AccessMode.Mem) return Unused(insn, false, false, false, true);
        if (insn.AccessMode != (int)AccessMode.Atomic || !(insn.AccessSize == (int)AccessSize.W || insn.AccessSize == (int)AccessSize.DW))
            return Unknown(insn);
        if (!AtomicOp.IsValid(insn.Imm)) return "unknown atomic operation 0x" + ((uint)insn.Imm).ToString("x");
        // Fetching forms write the old value into src (cmpxchg writes r0 instead).
        bool writesSrc = (insn.Imm & AtomicOp.Fetch) != 0 && insn.Imm != AtomicOp.CmpXchg;
        return writesSrc && insn.Src == Register.FramePointer ? "r10 is read-only" : null;
    }

    private static string CheckAlu(Slot insn)
    {
        bool is64 = insn.Class == Alu64;
        bool k = insn.IsK;
        int op = insn.Op;
        if (op == (int)AluOp.Neg)
            return k ? Unused(insn, false, true, true, true) : Unknown(insn);
        if (op == (int)AluOp.End)
        {
            if (is64 && !k) return Unknown(insn);
            if (insn.Imm != 16 && insn.Imm != 32 && insn.Imm != 64) return "byte swap width must be 16, 32 or 64, not " + insn.Imm;
            return Unused(insn, false, true, true, false);
        }
        if (op == (int)AluOp.Div || op == (int)AluOp.Mod)
        {
            if (insn.Offset != 0 && insn.Offset != 1) return "division offset must be 0 (unsigned) or 1 (signed)";
            return k ? Unused(insn, false, true, false, false) : Unused(insn, false, false, false, true);
        }
        if (op == (int)AluOp.Mov && !k)
        {
            int o = insn.Offset;
            bool sx = is64 ? o == 0 || o == 8 || o == 16 || o == 32 : o == 0 || o == 8 || o == 16;
            return sx ? Unused(insn, false, false, false, true) : "invalid sign-extension width " + o + " for mov";
        }
        if (op > (int)AluOp.End) return Unknown(insn);
        return k ? Unused(insn, false, true, true, false) : Unused(insn, false, false, true, true);
    }

    private static string CheckJmp(Slot[] program, int pc)
    {
        var insn = program[pc];
        bool is32 = insn.Class == Jmp32;
        bool k = insn.IsK;
        switch (insn.Op)
        {
            case (int)JmpOp.Ja:
                if (!k) return Unknown(insn);
                return is32
                    ? Unused(insn, true, true, true, false) ?? CheckTarget(program, pc, insn.Imm)
                    : Unused(insn, true, true, false, true) ?? CheckTarget(program, pc, insn.Offset);
            case (int)JmpOp.Call:
                if (is32) return Unknown(insn);
                if (!k) return Unused(insn, false, true, true, true);
                if (insn.Src > (byte)CallKind.KernelFunction) return "unknown call kind " + insn.Src;
                if (insn.Src == (byte)CallKind.KernelFunction) return "kernel function calls are not supported";
                return Unused(insn, true, false, true, false)
                    ?? (insn.Src == (byte)CallKind.Local ? CheckTarget(program, pc, insn.Imm) : null);
            case (int)JmpOp.Exit:
                if (is32 || !k) return Unknown(insn);
                return Unused(insn, true, true, true, true);
            default:
                if (insn.Op > (int)JmpOp.Jsle) return Unknown(insn);
                return (k ? Unused(insn, false, true, false, false) : Unused(insn, false, false, false, true))
                    ?? CheckTarget(program, pc, insn.Offset);
        }
    }

    private static string CheckTarget(Slot[] program, int pc, long offset)
    {
        long target = pc + 1 + offset;
        if (target < 0 || target >= program.Length)
            return "jump to " + target + " is outside the program (0.." + (program.Length - 1) + ")";
        // A second slot has opcode 0, so a 0x18 just before the target is always the first half of a lddw.
        if (target > 0 && program[(int)target - 1].IsLddw)
            return "jump to " + target + " lands in the second slot of a lddw";
        return null;
    }
}
