namespace Firmware.Ebpf.Isa;

/// <summary>Why a slot of bytecode is not a valid instruction.</summary>
public sealed record DecodeError(int Index, string Reason)
{
    public override string ToString() => $"insn {Index}: {Reason}";
}

/// <summary>
/// Turns bytecode into instruction slots and rejects anything RFC 9669 does not define:
/// unknown opcodes, non-zero unused fields, bad registers, writes to r10, jumps out of the program or
/// into the middle of a lddw, truncated lddw. Every consumer (interpreter, JITs, verifier) starts from
/// a program this accepted, so none of them re-checks the encoding.
/// </summary>
public static class Decoder
{
    public const int MaxInstructions = 1 << 20;

    public static Instruction[] Decode(ReadOnlySpan<byte> code, out DecodeError? error)
    {
        error = null;
        if (code.Length == 0)
        {
            error = new DecodeError(0, "program is empty");
            return [];
        }
        if (code.Length % Instruction.Size != 0)
        {
            error = new DecodeError(code.Length / Instruction.Size,
                $"program length {code.Length} is not a multiple of {Instruction.Size} bytes");
            return [];
        }
        var instructions = Instruction.ReadAll(code);
        error = Validate(instructions);
        return error is null ? instructions : [];
    }

    /// <summary>Checks every slot; returns the first problem, or null when the program is well formed.</summary>
    public static DecodeError? Validate(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0) return new DecodeError(0, "program is empty");
        if (program.Length > MaxInstructions)
            return new DecodeError(MaxInstructions, $"program has more than {MaxInstructions} instructions");
        for (int pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            string? reason = CheckRegisters(insn) ?? insn.Class switch
            {
                InstructionClass.Ld => CheckLd(program, pc),
                InstructionClass.Ldx => CheckLdx(insn),
                InstructionClass.St => CheckSt(insn),
                InstructionClass.Stx => CheckStx(insn),
                InstructionClass.Alu or InstructionClass.Alu64 => CheckAlu(insn),
                _ => CheckJmp(program, pc),
            };
            if (reason is not null) return new DecodeError(pc, reason);
            if (insn.IsLddw) pc++;
        }
        // Execution must never run off the end: the last slot has to leave unconditionally.
        var last = program[^1];
        if (last.Opcode is not (Opcode.Exit or Opcode.Ja or Opcode.Ja32) || (program.Length > 1 && program[^2].IsLddw))
            return new DecodeError(program.Length - 1, "the program can run past its last instruction (it must end with exit or an unconditional jump)");
        return null;
    }

    private static string? CheckRegisters(Instruction insn)
    {
        if (insn.Dst >= Register.Count) return $"invalid destination register r{insn.Dst}";
        if (insn.Src >= Register.Count && !(insn.IsLddw || insn.Opcode == Opcode.Call))
            return $"invalid source register r{insn.Src}";
        bool writesDst = insn.Class is InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Ldx
            or InstructionClass.Ld;
        if (writesDst && insn.Dst == Register.FramePointer) return "r10 is read-only";
        return null;
    }

    private static string? Unused(Instruction insn, bool dst = false, bool src = false, bool offset = false, bool imm = false)
    {
        if (dst && insn.Dst != 0) return "unused destination register field is not zero";
        if (src && insn.Src != 0) return "unused source register field is not zero";
        if (offset && insn.Offset != 0) return "unused offset field is not zero";
        if (imm && insn.Imm != 0) return "unused immediate field is not zero";
        return null;
    }

    private static string? CheckLd(ReadOnlySpan<Instruction> program, int pc)
    {
        var insn = program[pc];
        if (!insn.IsLddw)
            return insn.AccessMode is AccessMode.Abs or AccessMode.Ind
                ? $"legacy packet access opcode 0x{insn.Opcode:x2} is not supported"
                : $"unknown opcode 0x{insn.Opcode:x2}";
        if (insn.Src > (byte)LddwKind.MapValueByIndex) return $"unknown lddw source {insn.Src}";
        if (insn.Offset != 0) return "unused offset field is not zero";
        if (pc + 1 >= program.Length) return "lddw is truncated: its second slot is missing";
        var next = program[pc + 1];
        if (next.Opcode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0)
            return "lddw second slot must have zero opcode, registers and offset";
        if (insn.Src is (byte)LddwKind.MapByFd or (byte)LddwKind.MapByIndex && next.Imm != 0)
            return "lddw of a map must have a zero second immediate";
        return null;
    }

    private static string? CheckLdx(Instruction insn)
    {
        bool valid = insn.AccessMode == AccessMode.Mem
            || (insn.AccessMode == AccessMode.MemSx && insn.AccessSize != AccessSize.DW);
        return valid ? Unused(insn, imm: true) : $"unknown opcode 0x{insn.Opcode:x2}";
    }

    private static string? CheckSt(Instruction insn) =>
        insn.AccessMode == AccessMode.Mem ? Unused(insn, src: true) : $"unknown opcode 0x{insn.Opcode:x2}";

    private static string? CheckStx(Instruction insn)
    {
        if (insn.AccessMode == AccessMode.Mem) return Unused(insn, imm: true);
        if (insn.AccessMode != AccessMode.Atomic || insn.AccessSize is not (AccessSize.W or AccessSize.DW))
            return $"unknown opcode 0x{insn.Opcode:x2}";
        if (!AtomicOp.IsValid(insn.Imm)) return $"unknown atomic operation 0x{insn.Imm:x}";
        // Fetching forms write the old value into src (cmpxchg writes r0 instead).
        bool writesSrc = (insn.Imm & AtomicOp.Fetch) != 0 && insn.Imm != AtomicOp.CmpXchg;
        return writesSrc && insn.Src == Register.FramePointer ? "r10 is read-only" : null;
    }

    private static string? CheckAlu(Instruction insn)
    {
        bool is64 = insn.Class == InstructionClass.Alu64;
        bool k = insn.Source == OperandSource.K;
        switch (insn.AluOp)
        {
            case AluOp.Neg:
                return k ? Unused(insn, src: true, offset: true, imm: true) : $"unknown opcode 0x{insn.Opcode:x2}";
            case AluOp.End:
                if (is64 && !k) return $"unknown opcode 0x{insn.Opcode:x2}";
                if (insn.Imm is not (16 or 32 or 64)) return $"byte swap width must be 16, 32 or 64, not {insn.Imm}";
                return Unused(insn, src: true, offset: true);
            case AluOp.Div or AluOp.Mod:
                if (insn.Offset is not (0 or 1)) return "division offset must be 0 (unsigned) or 1 (signed)";
                return k ? Unused(insn, src: true) : Unused(insn, imm: true);
            case AluOp.Mov when !k:
                bool sx = is64 ? insn.Offset is 0 or 8 or 16 or 32 : insn.Offset is 0 or 8 or 16;
                return sx ? Unused(insn, imm: true) : $"invalid sign-extension width {insn.Offset} for mov";
            case > AluOp.End:
                return $"unknown opcode 0x{insn.Opcode:x2}";
            default:
                return k ? Unused(insn, src: true, offset: true) : Unused(insn, offset: true, imm: true);
        }
    }

    private static string? CheckJmp(ReadOnlySpan<Instruction> program, int pc)
    {
        var insn = program[pc];
        bool is32 = insn.Class == InstructionClass.Jmp32;
        bool k = insn.Source == OperandSource.K;
        switch (insn.JmpOp)
        {
            case JmpOp.Ja:
                if (!k) return $"unknown opcode 0x{insn.Opcode:x2}";
                return is32
                    ? Unused(insn, dst: true, src: true, offset: true) ?? CheckTarget(program, pc, insn.Imm)
                    : Unused(insn, dst: true, src: true, imm: true) ?? CheckTarget(program, pc, insn.Offset);
            case JmpOp.Call:
                if (is32) return $"unknown opcode 0x{insn.Opcode:x2}";
                if (!k) return Unused(insn, src: true, offset: true, imm: true);
                if (insn.Src > (byte)CallKind.KernelFunction) return $"unknown call kind {insn.Src}";
                if (insn.Src == (byte)CallKind.KernelFunction) return "kernel function calls are not supported";
                return Unused(insn, dst: true, offset: true)
                    ?? (insn.Src == (byte)CallKind.Local ? CheckTarget(program, pc, insn.Imm) : null);
            case JmpOp.Exit:
                if (is32 || !k) return $"unknown opcode 0x{insn.Opcode:x2}";
                return Unused(insn, dst: true, src: true, offset: true, imm: true);
            case > JmpOp.Jsle:
                return $"unknown opcode 0x{insn.Opcode:x2}";
            default:
                return (k ? Unused(insn, src: true) : Unused(insn, imm: true)) ?? CheckTarget(program, pc, insn.Offset);
        }
    }

    private static string? CheckTarget(ReadOnlySpan<Instruction> program, int pc, long offset)
    {
        long target = pc + 1 + offset;
        if (target < 0 || target >= program.Length)
            return $"jump to {target} is outside the program (0..{program.Length - 1})";
        // A second slot has opcode 0, so a 0x18 just before the target is always the first half of a lddw.
        if (target > 0 && program[(int)target - 1].IsLddw)
            return $"jump to {target} lands in the second slot of a lddw";
        return null;
    }
}
