using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Text.Operands;

namespace Firmware.Ebpf.Text;

/// <summary>
/// Instruction slots to LLVM's pseudo-C syntax, as <c>llvm-objdump-19 -d --mcpu=v4</c> prints them
/// (objects are built with -mcpu=v4; the default v1 printer cannot name 32-bit atomics and prints fetch-add
/// like add). Three things differ so that the text assembles back to the same bytes: jump targets are
/// only the relative distance (<c>goto +0x3</c>, without <c>&lt;LBB0_2&gt;</c>), local calls are
/// <c>call pc+0x5</c> (llvm prints them like helper calls), and pseudo lddw use RFC 9669's notation
/// (<c>r1 = map_val(map_by_idx(0x2)) + 0x10 ll</c>, see <see cref="Spelling.Pseudo"/>) where llvm prints
/// an opaque <c>ld_pseudo</c>.
/// </summary>
public static class Disassembler
{
    public const string Unknown = "<unknown>";

    /// <summary>The instruction at <paramref name="index"/> (with its second slot, for lddw); <see cref="Unknown"/> when it is not one.</summary>
    public static string Format(ReadOnlySpan<Instruction> program, int index)
    {
        var insn = program[index];
        return insn.Class switch
        {
            InstructionClass.Ld => index + 1 < program.Length ? Lddw(insn, program[index + 1]) : null,
            InstructionClass.Ldx => Load(insn),
            InstructionClass.St => Store(insn, Hex(insn.Imm)),
            InstructionClass.Stx when insn.AccessMode == AccessMode.Atomic => Atomic(insn),
            InstructionClass.Stx => Store(insn, RegisterName(insn.Src, insn.AccessSize == AccessSize.DW)),
            InstructionClass.Alu or InstructionClass.Alu64 => Alu(insn),
            _ => Jump(insn),
        } ?? Unknown;
    }

    /// <summary>
    /// One line per instruction, <c>   12:\tr0 = 0x1</c> like llvm-objdump's, and as llvm-objdump -S does,
    /// <c>; source text</c> before the first instruction of each new source line.
    /// </summary>
    public static void Print(EbpfProgram program, TextWriter output)
    {
        var code = program.Instructions;
        var lines = program.Lines;
        int nextLine = 0;
        LineInfo? current = null, shown = null;
        for (int i = 0; i < code.Length; i++)
        {
            while (nextLine < lines.Count && lines[nextLine].Instruction <= i) current = lines[nextLine++];
            if (current is not null && (current.File, current.Line) != (shown?.File, shown?.Line))
            {
                shown = current;
                if (current.SourceLine.Length > 0) output.WriteLine($"; {current.SourceLine}");
            }
            output.WriteLine($"{i,8}:\t{Format(code, i)}");
            if (code[i].IsLddw) i++;
        }
    }

    /// <summary>Base register and offset as LLVM writes an address: <c>r10 - 0x8</c>, <c>r1 + 0x0</c>.</summary>
    private static string Address(int register, short offset) =>
        $"{RegisterName(register, true)} {(offset < 0 ? '-' : '+')} {Hex(Math.Abs((int)offset))}";

    private static string Memory(int register, short offset) => $"({Address(register, offset)})";

    private static string? Lddw(Instruction insn, Instruction next)
    {
        if (!insn.IsLddw) return null;
        string dst = RegisterName(insn.Dst, true);
        if (insn.Src == (byte)LddwKind.Imm64) return $"{dst} = {Hex((long)insn.Imm64(next))} ll";
        var pseudo = Array.Find(Spelling.PseudoLoads, p => (byte)p.Kind == insn.Src);
        if (pseudo is null) return null;
        string reference = $"{pseudo.Function}({Hex((uint)insn.Imm)})";
        if (pseudo.Value) reference = $"map_val({reference})";
        string addend = next.Imm == 0 ? "" : $" + {Hex(next.Imm)}";
        return $"{dst} = {reference}{addend} ll";
    }

    private static string? Load(Instruction insn)
    {
        var width = Spelling.WidthOf(insn.AccessSize);
        bool signed = insn.AccessMode == AccessMode.MemSx;
        if (!(insn.AccessMode == AccessMode.Mem || (signed && width.Size != AccessSize.DW))) return null;
        string dst = RegisterName(insn.Dst, signed || width.Size == AccessSize.DW);
        return $"{dst} = *({(signed ? 's' : 'u')}{width.Bits} *){Memory(insn.Src, insn.Offset)}";
    }

    private static string? Store(Instruction insn, string value) => insn.AccessMode == AccessMode.Mem
        ? $"*(u{Spelling.WidthOf(insn.AccessSize).Bits} *){Memory(insn.Dst, insn.Offset)} = {value}"
        : null;

    private static string? Atomic(Instruction insn)
    {
        var atomic = Array.Find(Spelling.Atomics, a => a.Imm == insn.Imm);
        if (atomic is null || insn.AccessSize is not (AccessSize.W or AccessSize.DW)) return null;
        bool wide = insn.AccessSize == AccessSize.DW;
        string src = RegisterName(insn.Src, wide);
        string bits = wide ? "64" : "32";
        string address = Address(insn.Dst, insn.Offset);
        return atomic.Form switch
        {
            Spelling.AtomicForm.Lock => $"lock *(u{bits} *)({address}) {atomic.Llvm} {src}",
            Spelling.AtomicForm.Fetch => $"{src} = {atomic.Llvm}((u{bits} *)({address}), {src})",
            Spelling.AtomicForm.Exchange => $"{src} = {atomic.Llvm}{Spelling.ExchangeSuffix(wide)}({address}, {src})",
            _ => $"{RegisterName(Isa.Register.R0, wide)} = {atomic.Llvm}{Spelling.ExchangeSuffix(wide)}({address}, {RegisterName(Isa.Register.R0, wide)}, {src})",
        };
    }

    private static string? Alu(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Alu64;
        bool k = insn.Source == OperandSource.K;
        string dst = RegisterName(insn.Dst, wide);
        string src = RegisterName(insn.Src, wide);
        switch (insn.AluOp)
        {
            case AluOp.Neg:
                return k ? $"{dst} = -{dst}" : null;
            case AluOp.End:
                var swap = Array.Find(Spelling.ByteSwaps, s => s.Class == insn.Class && s.Source == insn.Source);
                string register = RegisterName(insn.Dst, true);
                return swap is null || !Spelling.SwapWidths.Contains(insn.Imm) ? null : $"{register} = {swap.Name}{insn.Imm} {register}";
            case AluOp.Mov when !k && insn.Offset != 0:
                return Spelling.CanSignExtend(insn.Offset, wide) ? $"{dst} = (s{insn.Offset}){src}" : null;
            default:
                var arithmetic = Array.Find(Spelling.ArithmeticOps, a => a.Op == insn.AluOp && a.Offset == insn.Offset);
                return arithmetic is null ? null : $"{dst} {arithmetic.Operator} {(k ? Hex(insn.Imm) : src)}";
        }
    }

    private static string? Jump(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Jmp;
        bool k = insn.Source == OperandSource.K;
        switch (insn.JmpOp)
        {
            case JmpOp.Ja:
                return (wide ? "goto " : "gotol ") + SignedHex(JumpField.Distance(insn));
            case JmpOp.Call when wide:
                return !k ? $"callx {RegisterName(insn.Dst, true)}"
                    : insn.Src == (byte)CallKind.Local ? $"call pc{SignedHex(insn.Imm)}"
                    : insn.Src == (byte)CallKind.Helper ? $"call {Hex(insn.Imm)}"
                    : null;
            case JmpOp.Exit when wide:
                return "exit";
            default:
                var comparison = Array.Find(Spelling.Comparisons, c => c.Op == insn.JmpOp);
                string operand = k ? Hex(insn.Imm) : RegisterName(insn.Src, wide);
                return comparison is null ? null
                    : $"if {RegisterName(insn.Dst, wide)} {comparison.Operator} {operand} goto {SignedHex(insn.Offset)}";
        }
    }
}
