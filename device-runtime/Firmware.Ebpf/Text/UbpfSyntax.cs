using System.Text.RegularExpressions;
using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Text;

/// <summary>
/// The bpf_conformance/uBPF syntax: <c>mnemonic operand, operand</c> with %r registers and [%rN+off]
/// memory operands, e.g. <c>add32 %r0, 1</c>, <c>ldxdw %r0, [%r1+2]</c>, <c>lock fetch add [%r10-8], %r1</c>.
/// ALU mnemonics without a width suffix are 64-bit.
/// </summary>
internal static partial class UbpfSyntax
{
    private sealed record Form(int Operands, Func<string[], Encoded> Encode);

    private static readonly (string Suffix, InstructionClass Class)[] AluWidths =
        [("", InstructionClass.Alu64), ("64", InstructionClass.Alu64), ("32", InstructionClass.Alu)];

    private static readonly (string Suffix, InstructionClass Class)[] JumpWidths =
        [("", InstructionClass.Jmp), ("32", InstructionClass.Jmp32)];

    private static readonly Dictionary<string, Form> Forms = BuildForms();

    public static Encoded Parse(string line)
    {
        int space = line.IndexOfAny([' ', '\t']);
        string mnemonic = space < 0 ? line : line[..space];
        string rest = space < 0 ? "" : line[(space + 1)..].Trim();
        if (mnemonic == "lock") return Lock(rest);
        if (!Forms.TryGetValue(mnemonic, out var form)) throw new SyntaxError($"unknown mnemonic '{mnemonic}'");
        string[] operands = rest.Length == 0 ? [] : rest.Split(',', StringSplitOptions.TrimEntries);
        if (operands.Length != form.Operands)
            throw new SyntaxError($"'{mnemonic}' takes {form.Operands} operand{(form.Operands == 1 ? "" : "s")}, not {operands.Length}");
        return form.Encode(operands);
    }

    private static Dictionary<string, Form> BuildForms()
    {
        var forms = new Dictionary<string, Form>(StringComparer.Ordinal);
        foreach (var (suffix, cls) in AluWidths)
        {
            foreach (var op in Spelling.ArithmeticOps)
                forms[op.Mnemonic + suffix] = new(2, o => Arithmetic(cls, op, o));
            forms["neg" + suffix] = new(1, o => new Instruction(Opcode.Alu(cls, AluOp.Neg, OperandSource.K), Reg(o[0]), 0, 0, 0));
            foreach (short bits in Spelling.SignExtensions.Where(b => suffix != "" && Spelling.CanSignExtend(b, cls == InstructionClass.Alu64)))
                forms[$"movsx{bits}{suffix}"] = new(2, o =>
                    new Instruction(Opcode.Alu(cls, AluOp.Mov, OperandSource.X), Reg(o[0]), Reg(o[1]), bits, 0));
        }
        foreach (var swap in Spelling.ByteSwaps)
            foreach (int width in Spelling.SwapWidths)
                forms[swap.Name + width] = new(1, o =>
                    new Instruction(Opcode.Alu(swap.Class, AluOp.End, swap.Source), Reg(o[0]), 0, 0, width));
        foreach (int width in Spelling.SwapWidths)
            forms["swap" + width] = forms["bswap" + width]; // uBPF's older name for bswap
        foreach (var (suffix, cls) in JumpWidths)
            foreach (var cmp in Spelling.Comparisons)
                forms[cmp.Mnemonic + suffix] = new(3, o => Branch(cls, cmp.Op, o));
        forms["ja"] = new(1, o => JumpField.To(new Instruction(Opcode.Ja, 0, 0, 0, 0), o[0]));
        forms["ja32"] = new(1, o => JumpField.To(new Instruction(Opcode.Ja32, 0, 0, 0, 0), o[0]));
        forms["exit"] = new(0, _ => new Instruction(Opcode.Exit, 0, 0, 0, 0));
        forms["call"] = new(1, o => Call(o[0]));
        forms["lddw"] = new(2, o => Encoded.Lddw(Reg(o[0]), 0, Operands.Imm64(o[1])));
        foreach (var w in Spelling.Widths)
        {
            forms["ldx" + w.Suffix] = new(2, o => Load(AccessMode.Mem, w.Size, o));
            if (w.Size != AccessSize.DW)
                forms["ldxs" + w.Suffix] = new(2, o => Load(AccessMode.MemSx, w.Size, o));
            forms["st" + w.Suffix] = new(2, o => Store(InstructionClass.St, w.Size, o[0], 0, Operands.Imm32(o[1])));
            forms["stx" + w.Suffix] = new(2, o => Store(InstructionClass.Stx, w.Size, o[0], Reg(o[1]), 0));
        }
        return forms;
    }

    private static Instruction Arithmetic(InstructionClass cls, Spelling.Arithmetic op, string[] o) => o[1].StartsWith('%')
        ? new Instruction(Opcode.Alu(cls, op.Op, OperandSource.X), Reg(o[0]), Reg(o[1]), op.Offset, 0)
        : new Instruction(Opcode.Alu(cls, op.Op, OperandSource.K), Reg(o[0]), 0, op.Offset, Operands.Imm32(o[1]));

    private static Encoded Branch(InstructionClass cls, JmpOp op, string[] o)
    {
        var insn = o[1].StartsWith('%')
            ? new Instruction(Opcode.Jmp(cls, op, OperandSource.X), Reg(o[0]), Reg(o[1]), 0, 0)
            : new Instruction(Opcode.Jmp(cls, op, OperandSource.K), Reg(o[0]), 0, 0, Operands.Imm32(o[1]));
        return JumpField.To(insn, o[2]);
    }

    /// <summary>
    /// <c>call N</c> (helper), <c>call helper N</c>, <c>call local TARGET</c>, <c>call %rN</c> (callx), and
    /// LLVM's spellings, which reach here too: <c>call NAME</c> (local, as llvm-mc reads it) and
    /// <c>call pc+N</c> (local, as the disassembler prints it).
    /// </summary>
    internal static Encoded Call(string operand)
    {
        var helper = new Instruction(Opcode.Call, 0, (byte)CallKind.Helper, 0, 0);
        var local = helper with { Src = (byte)CallKind.Local };
        string[] words = operand.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words switch
        {
            ["local", var target] => JumpField.To(local, target),
            ["helper", var id] => helper with { Imm = Operands.Imm32(id) },
            [var register] when register.StartsWith('%') => new Instruction(Opcode.CallX, Reg(register), 0, 0, 0),
            [var relative] when relative.StartsWith("pc", StringComparison.Ordinal) && !JumpField.IsLabel(relative) =>
                JumpField.To(local, relative[2..]),
            [var id] when Operands.IsNumber(id) => helper with { Imm = Operands.Imm32(id) },
            [var name] when JumpField.IsLabel(name) && name is not ("local" or "helper") => new Encoded(local, Label: name),
            _ => throw new SyntaxError($"bad call target '{operand}'"),
        };
    }

    private static Instruction Load(AccessMode mode, AccessSize size, string[] o)
    {
        var (src, offset) = Memory(o[1]);
        return new Instruction(Opcode.Mem(InstructionClass.Ldx, mode, size), Reg(o[0]), src, offset, 0);
    }

    private static Instruction Store(InstructionClass cls, AccessSize size, string memory, byte src, int imm)
    {
        var (dst, offset) = Memory(memory);
        return new Instruction(Opcode.Mem(cls, AccessMode.Mem, size), dst, src, offset, imm);
    }

    /// <summary><c>lock [fetch] OP[32] [%rD+off], %rS</c>, OP one of add, or, and, xor, xchg, cmpxchg.</summary>
    private static Instruction Lock(string rest)
    {
        int bracket = rest.IndexOf('[');
        string[] operands = bracket < 0 ? [] : rest[bracket..].Split(',', StringSplitOptions.TrimEntries);
        if (operands.Length != 2)
            throw new SyntaxError("'lock' takes an operation, a memory operand and a source register, e.g. lock fetch add [%r10-8], %r1");
        string name = rest[..bracket].Trim();
        bool wide = !name.EndsWith("32", StringComparison.Ordinal);
        string op = wide ? name : name[..^2].TrimEnd();
        var atomic = Array.Find(Spelling.Atomics, a => a.Mnemonic == op)
            ?? throw new SyntaxError($"unknown atomic operation 'lock {name}'");
        var (dst, offset) = Memory(operands[0]);
        var size = wide ? AccessSize.DW : AccessSize.W;
        return new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Atomic, size), dst, Reg(operands[1]), offset, atomic.Imm);
    }

    [GeneratedRegex(@"^%r(\d+)$")]
    private static partial Regex RegisterSyntax();

    private static byte Reg(string text)
    {
        var match = RegisterSyntax().Match(text);
        return match.Success ? Operands.Register(text, match.Groups[1].Value) : throw new SyntaxError($"invalid register '{text}'");
    }

    [GeneratedRegex(@"^\[\s*(?<base>%r\d+)\s*(?:(?<offset>[+-]\s*(?:0[xX][0-9a-fA-F]+|\d+))\s*)?\]$")]
    private static partial Regex MemorySyntax();

    private static (byte Register, short Offset) Memory(string text)
    {
        var match = MemorySyntax().Match(text);
        if (!match.Success) throw new SyntaxError($"expected a memory operand like [%r1+8], not '{text}'");
        var offset = match.Groups["offset"];
        return (Reg(match.Groups["base"].Value), offset.Success ? Operands.Offset(offset.Value) : (short)0);
    }
}
