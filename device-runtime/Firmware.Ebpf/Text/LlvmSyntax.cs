using System.Text.RegularExpressions;
using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Text;

/// <summary>
/// LLVM's pseudo-C syntax as llvm-objdump-19 prints it (<c>r0 += 0x1</c>, <c>w1 = *(u32 *)(r2 - 0x8)</c>,
/// <c>if r1 s&lt; r2 goto +0x3 &lt;LBB0_2&gt;</c>), decimal numbers and labels included. <c>w</c>
/// registers select the 32-bit ALU and JMP32 classes, and are accepted for memory operations up to 32 bits wide.
/// Calls and <c>exit</c> are spelled as in the uBPF syntax and parsed there.
/// </summary>
internal static class LlvmSyntax
{
    private const string Register = @"[rw]\d+";
    private const int Register0 = Isa.Register.R0;
    private const string Number = Operands.NumberPattern;
    private const string Offset = @"[+-]\s*(?:0[xX][0-9a-fA-F]+|\d+)";

    /// <summary>Template placeholders; a space in a template is optional whitespace.</summary>
    private static readonly (string Name, string Pattern)[] Placeholders =
    [
        ("{dst}", $"(?<dst>{Register})"),
        ("{src}", $"(?<src>{Register})"),
        ("{operand}", $"(?<src>{Register}|{Number})"),
        ("{imm}", $"(?<imm>{Number})"),
        ("{next}", $"(?<next>{Number})"),
        ("{kind}", $"(?<kind>{Number})"),
        ("{expected}", $"(?<expected>{Register})"),
        ("{mem}", $@"\(\s*(?<base>{Register})\s*(?<offset>{Offset})?\s*\)"),
        ("{addr}", $@"(?<base>{Register})\s*(?<offset>{Offset})?"),
        ("{size}", @"(?<size>[us]\d+)"),
        ("{op}", @"(?<op>s?[^\s\w()]*=)"),
        ("{cmp}", @"(?<op>s?[^\s\w()]+)"),
        ("{name}", @"(?<name>[A-Za-z_]\w*)"),
        ("{target}", $@"(?<target>{Number}|[A-Za-z_.][\w.]*)"),
    ];

    private static readonly (Regex Pattern, Func<Match, Encoded> Encode)[] Templates =
    [
        (Compile("{dst} {op} {operand}"), Arithmetic),
        (Compile("{dst} = -{src}"), Negate),
        (Compile(@"{dst} = \({name}\){src}"), SignExtend),
        (Compile("{dst} = {name} {src}"), ByteSwap),
        (Compile("{dst} = {imm} ll"), m => Encoded.Lddw(Reg(m, "dst", wide: true), 0, Operands.Imm64(m.Groups["imm"].Value))),
        (Compile(@"{dst} = (?<value>map_val)\({name}\({imm}\)\)(?: \+ {next})? ll"), PseudoLoad),
        (Compile(@"{dst} = {name}\({imm}\)(?: \+ {next})? ll"), PseudoLoad),
        (Compile("ld_pseudo {dst}, {kind}, {imm}"), LdPseudo),
        (Compile(@"{dst} = \*\({size} \*\){mem}"), Load),
        (Compile(@"\*\({size} \*\){mem} = {operand}"), Store),
        (Compile(@"lock \*\({size} \*\){mem} {op} {src}"), LockedUpdate),
        (Compile(@"{dst} = {name}\(\({size} \*\){mem}, {src}\)"), FetchUpdate),
        (Compile(@"{dst} = {name}\({addr}(?:, {expected})?, {src}\)"), Exchange),
        (Compile("if {dst} {cmp} {operand} goto {target}"), Branch),
        (Compile("goto {target}"), m => JumpField.To(new Instruction(Opcode.Ja, 0, 0, 0, 0), m.Groups["target"].Value)),
        (Compile("gotol {target}"), m => JumpField.To(new Instruction(Opcode.Ja32, 0, 0, 0, 0), m.Groups["target"].Value)),
        (Compile("callx {dst}"), m => new Instruction(Opcode.CallX, Reg(m, "dst", wide: true), 0, 0, 0)),
    ];

    private static readonly string[] Keywords = ["if", "goto", "gotol", "callx", "ld_pseudo"];

    /// <summary>Every LLVM instruction but call and exit has an '=' or starts with a keyword; no uBPF one does.</summary>
    public static bool Claims(string line) =>
        line.Contains('=') || Keywords.Contains(line.Split(' ', '\t')[0]);

    public static Encoded Parse(string line)
    {
        // llvm-objdump follows a jump with its target's symbol, e.g. "goto +0x3 <LBB0_2>"; the distance says it all.
        string text = Regex.Replace(line, @"\s*<[^<>]*>$", "");
        foreach (var (pattern, encode) in Templates)
        {
            var match = pattern.Match(text);
            if (match.Success) return encode(match);
        }
        throw new SyntaxError($"cannot parse '{line}'");
    }

    private static Regex Compile(string template)
    {
        string pattern = template.Replace(" ", @"\s*");
        foreach (var (name, fragment) in Placeholders)
            pattern = pattern.Replace(name, fragment);
        return new Regex($"^{pattern}$", RegexOptions.CultureInvariant);
    }

    private static bool IsWide(Match m, string group) => m.Groups[group].Value[0] == 'r';

    private static byte Reg(Match m, string group, bool wide)
    {
        string text = m.Groups[group].Value;
        if (IsWide(m, group) != wide)
            throw new SyntaxError($"'{text}' should be {(wide ? "a 64-bit r" : "a 32-bit w")} register here");
        return Operands.Register(text, text[1..]);
    }

    /// <summary>The source operand: a register of the same width, or a 32-bit immediate.</summary>
    private static (OperandSource Source, byte Register, int Imm) SourceOperand(Match m, bool wide)
    {
        string text = m.Groups["src"].Value;
        return char.IsAsciiLetter(text[0])
            ? (OperandSource.X, Reg(m, "src", wide), 0)
            : (OperandSource.K, (byte)0, Operands.Imm32(text));
    }

    private static Encoded Arithmetic(Match m)
    {
        bool wide = IsWide(m, "dst");
        string op = m.Groups["op"].Value;
        var arithmetic = Array.Find(Spelling.ArithmeticOps, a => a.Operator == op)
            ?? throw new SyntaxError($"unknown operator '{op}'");
        var (source, src, imm) = SourceOperand(m, wide);
        var cls = wide ? InstructionClass.Alu64 : InstructionClass.Alu;
        return new Instruction(Opcode.Alu(cls, arithmetic.Op, source), Reg(m, "dst", wide), src, arithmetic.Offset, imm);
    }

    private static Encoded Negate(Match m)
    {
        bool wide = IsWide(m, "dst");
        byte dst = SameRegister(m, wide);
        return new Instruction(Opcode.Alu(wide ? InstructionClass.Alu64 : InstructionClass.Alu, AluOp.Neg, OperandSource.K), dst, 0, 0, 0);
    }

    /// <summary>Negation, byte swaps and fetching atomics name one register twice.</summary>
    private static byte SameRegister(Match m, bool wide)
    {
        byte dst = Reg(m, "dst", wide);
        return Reg(m, "src", wide) == dst ? dst : throw new SyntaxError($"'{m.Value}' must name the same register on both sides");
    }

    private static Encoded SignExtend(Match m)
    {
        bool wide = IsWide(m, "dst");
        string type = m.Groups["name"].Value;
        short bits = Array.Find(Spelling.SignExtensions, b => type == $"s{b}" && Spelling.CanSignExtend(b, wide));
        if (bits == 0) throw new SyntaxError($"cannot sign-extend from '{type}' ({(wide ? "s8, s16 or s32" : "s8 or s16")})");
        var cls = wide ? InstructionClass.Alu64 : InstructionClass.Alu;
        return new Instruction(Opcode.Alu(cls, AluOp.Mov, OperandSource.X), Reg(m, "dst", wide), Reg(m, "src", wide), bits, 0);
    }

    private static Encoded ByteSwap(Match m)
    {
        string name = m.Groups["name"].Value;
        var swap = Array.Find(Spelling.ByteSwaps, s => name.StartsWith(s.Name, StringComparison.Ordinal));
        int width = Array.Find(Spelling.SwapWidths, w => swap is not null && name == swap.Name + w);
        if (swap is null || width == 0) throw new SyntaxError($"unknown byte swap '{name}' (be16, le32, bswap64, ...)");
        return new Instruction(Opcode.Alu(swap.Class, AluOp.End, swap.Source), SameRegister(m, wide: true), 0, 0, width);
    }

    private static Encoded PseudoLoad(Match m)
    {
        string function = m.Groups["name"].Value;
        bool value = m.Groups["value"].Success;
        var pseudo = Array.Find(Spelling.PseudoLoads, p => p.Function == function && p.Value == value)
            ?? throw new SyntaxError($"unknown lddw form '{m.Value}'");
        long next = m.Groups["next"].Success ? Operands.Imm32(m.Groups["next"].Value) : 0;
        long imm = (uint)Operands.Imm32(m.Groups["imm"].Value);
        return Encoded.Lddw(Reg(m, "dst", wide: true), (byte)pseudo.Kind, imm | next << 32);
    }

    /// <summary>llvm-objdump's own spelling of a pseudo lddw; it has no room for the second immediate.</summary>
    private static Encoded LdPseudo(Match m)
    {
        int kind = Operands.Imm32(m.Groups["kind"].Value);
        if (!Array.Exists(Spelling.PseudoLoads, p => (int)p.Kind == kind)) throw new SyntaxError($"unknown lddw source {kind}");
        return Encoded.Lddw(Reg(m, "dst", wide: true), (byte)kind, (uint)Operands.Imm32(m.Groups["imm"].Value));
    }

    private static (Spelling.Width Width, bool Signed) Size(Match m)
    {
        string size = m.Groups["size"].Value;
        var width = Array.Find(Spelling.Widths, w => size[1..] == w.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new SyntaxError($"unknown size '{size}' (u8, u16, u32, u64)");
        return (width, size[0] == 's');
    }

    private static (byte Base, short Offset) Memory(Match m)
    {
        var offset = m.Groups["offset"];
        return (Reg(m, "base", wide: true), offset.Success ? Operands.Offset(offset.Value) : (short)0);
    }

    private static Encoded Load(Match m)
    {
        var (width, signed) = Size(m);
        if (signed && width.Size == AccessSize.DW) throw new SyntaxError("there is no sign-extending 64-bit load; use u64");
        var (src, offset) = Memory(m);
        var mode = signed ? AccessMode.MemSx : AccessMode.Mem;
        byte dst = Reg(m, "dst", wide: signed || width.Size == AccessSize.DW || IsWide(m, "dst"));
        return new Instruction(Opcode.Mem(InstructionClass.Ldx, mode, width.Size), dst, src, offset, 0);
    }

    private static Encoded Store(Match m)
    {
        var (width, signed) = Size(m);
        if (signed) throw new SyntaxError("stores take u8, u16, u32 or u64");
        var (dst, offset) = Memory(m);
        var (source, src, imm) = SourceOperand(m, wide: width.Size == AccessSize.DW || IsWide(m, "src"));
        var cls = source == OperandSource.X ? InstructionClass.Stx : InstructionClass.St;
        return new Instruction(Opcode.Mem(cls, AccessMode.Mem, width.Size), dst, src, offset, imm);
    }

    private static Instruction Atomic(Match m, Spelling.Atomic atomic, bool wide, byte src)
    {
        var (dst, offset) = Memory(m);
        var size = wide ? AccessSize.DW : AccessSize.W;
        return new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Atomic, size), dst, src, offset, atomic.Imm);
    }

    /// <summary>Atomics are 32 or 64 bits wide; the width comes from the (u32 *)/(u64 *) cast.</summary>
    private static bool AtomicWidth(Match m)
    {
        var (width, signed) = Size(m);
        return !signed && width.Size is AccessSize.W or AccessSize.DW
            ? width.Size == AccessSize.DW
            : throw new SyntaxError("atomic operations take u32 or u64");
    }

    private static Spelling.Atomic FindAtomic(Spelling.AtomicForm form, string llvm) =>
        Array.Find(Spelling.Atomics, a => a.Form == form && a.Llvm == llvm) ?? throw new SyntaxError($"unknown atomic operation '{llvm}'");

    private static Encoded LockedUpdate(Match m)
    {
        bool wide = AtomicWidth(m);
        var atomic = FindAtomic(Spelling.AtomicForm.Lock, m.Groups["op"].Value);
        return Atomic(m, atomic, wide, Reg(m, "src", wide: wide || IsWide(m, "src")));
    }

    private static Encoded FetchUpdate(Match m)
    {
        bool wide = AtomicWidth(m);
        var atomic = FindAtomic(Spelling.AtomicForm.Fetch, m.Groups["name"].Value);
        return Atomic(m, atomic, wide, SameRegister(m, wide: wide || IsWide(m, "dst")));
    }

    /// <summary><c>r1 = xchg_64(r10 - 0x8, r1)</c> and <c>r0 = cmpxchg_64(r10 - 0x8, r0, r1)</c>, and their 32_32 forms.</summary>
    private static Encoded Exchange(Match m)
    {
        string name = m.Groups["name"].Value;
        bool wide = name.EndsWith(Spelling.ExchangeSuffix(true), StringComparison.Ordinal);
        string suffix = Spelling.ExchangeSuffix(wide);
        bool compare = m.Groups["expected"].Success;
        var form = compare ? Spelling.AtomicForm.CompareExchange : Spelling.AtomicForm.Exchange;
        var atomic = name.EndsWith(suffix, StringComparison.Ordinal)
            ? FindAtomic(form, name[..^suffix.Length])
            : throw new SyntaxError($"unknown atomic operation '{name}' (xchg_64, xchg32_32, cmpxchg_64, cmpxchg32_32)");
        if (!compare) return Atomic(m, atomic, wide, SameRegister(m, wide));
        if (Reg(m, "dst", wide) != Register0 || Reg(m, "expected", wide) != Register0)
            throw new SyntaxError($"cmpxchg compares with and returns in {Operands.RegisterName(Register0, wide)}: '{m.Value}'");
        return Atomic(m, atomic, wide, Reg(m, "src", wide));
    }

    private static Encoded Branch(Match m)
    {
        bool wide = IsWide(m, "dst");
        string op = m.Groups["op"].Value;
        var comparison = Array.Find(Spelling.Comparisons, c => c.Operator == op) ?? throw new SyntaxError($"unknown comparison '{op}'");
        var (source, src, imm) = SourceOperand(m, wide);
        var cls = wide ? InstructionClass.Jmp : InstructionClass.Jmp32;
        var insn = new Instruction(Opcode.Jmp(cls, comparison.Op, source), Reg(m, "dst", wide), src, 0, imm);
        return JumpField.To(insn, m.Groups["target"].Value);
    }
}
