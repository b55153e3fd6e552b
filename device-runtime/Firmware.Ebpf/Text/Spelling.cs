using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Text;

/// <summary>
/// How the regular parts of the ISA are spelled in the uBPF syntax (mnemonics) and in LLVM's pseudo-C
/// syntax (operators). The assembler parses with these tables and the disassembler prints with them, so
/// the two cannot disagree about a spelling.
/// </summary>
internal static class Spelling
{
    /// <summary>A two-operand ALU operation; offset 1 selects the signed division and modulo (RFC 9669, 4.1).</summary>
    public sealed record Arithmetic(AluOp Op, short Offset, string Mnemonic, string Operator);

    public static readonly Arithmetic[] ArithmeticOps =
    [
        new(AluOp.Add, 0, "add", "+="),
        new(AluOp.Sub, 0, "sub", "-="),
        new(AluOp.Mul, 0, "mul", "*="),
        new(AluOp.Div, 0, "div", "/="),
        new(AluOp.Div, 1, "sdiv", "s/="),
        new(AluOp.Or, 0, "or", "|="),
        new(AluOp.And, 0, "and", "&="),
        new(AluOp.Lsh, 0, "lsh", "<<="),
        new(AluOp.Rsh, 0, "rsh", ">>="),
        new(AluOp.Mod, 0, "mod", "%="),
        new(AluOp.Mod, 1, "smod", "s%="),
        new(AluOp.Xor, 0, "xor", "^="),
        new(AluOp.Mov, 0, "mov", "="),
        new(AluOp.Arsh, 0, "arsh", "s>>="),
    ];

    public sealed record Comparison(JmpOp Op, string Mnemonic, string Operator);

    public static readonly Comparison[] Comparisons =
    [
        new(JmpOp.Jeq, "jeq", "=="),
        new(JmpOp.Jgt, "jgt", ">"),
        new(JmpOp.Jge, "jge", ">="),
        new(JmpOp.Jset, "jset", "&"),
        new(JmpOp.Jne, "jne", "!="),
        new(JmpOp.Jsgt, "jsgt", "s>"),
        new(JmpOp.Jsge, "jsge", "s>="),
        new(JmpOp.Jlt, "jlt", "<"),
        new(JmpOp.Jle, "jle", "<="),
        new(JmpOp.Jslt, "jslt", "s<"),
        new(JmpOp.Jsle, "jsle", "s<="),
    ];

    /// <summary>A load/store size: the uBPF suffix (ldx<b>dw</b>) and the bits LLVM names (u<b>64</b>).</summary>
    public sealed record Width(AccessSize Size, string Suffix, int Bits);

    public static readonly Width[] Widths =
    [
        new(AccessSize.B, "b", 8),
        new(AccessSize.H, "h", 16),
        new(AccessSize.W, "w", 32),
        new(AccessSize.DW, "dw", 64),
    ];

    public static Width WidthOf(AccessSize size) => Array.Find(Widths, w => w.Size == size)!;

    /// <summary>The source widths movsx can sign-extend from (its offset field).</summary>
    public static readonly short[] SignExtensions = [8, 16, 32];

    /// <summary>Only ALU64 sign-extends from 32 bits: a 32-bit mov from 32 bits is a plain mov.</summary>
    public static bool CanSignExtend(int bits, bool wide) => SignExtensions.Contains((short)bits) && (wide || bits < 32);

    /// <summary>A byte swap: one END opcode per name, the width (16, 32, 64) in the immediate.</summary>
    public sealed record ByteSwap(InstructionClass Class, OperandSource Source, string Name);

    public static readonly ByteSwap[] ByteSwaps =
    [
        new(InstructionClass.Alu, OperandSource.K, "le"),
        new(InstructionClass.Alu, OperandSource.X, "be"),
        new(InstructionClass.Alu64, OperandSource.K, "bswap"),
    ];

    public static readonly int[] SwapWidths = [16, 32, 64];

    /// <summary>The shape LLVM prints an atomic in; <see cref="Atomic.Llvm"/> is its operator or function name.</summary>
    public enum AtomicForm { Lock, Fetch, Exchange, CompareExchange }

    /// <summary>An atomic operation (the immediate of STX|ATOMIC) with its uBPF words after "lock".</summary>
    public sealed record Atomic(int Imm, string Mnemonic, AtomicForm Form, string Llvm);

    private static readonly (int Imm, string Name, string Operator)[] AtomicBases =
    [
        (AtomicOp.Add, "add", "+="),
        (AtomicOp.Or, "or", "|="),
        (AtomicOp.And, "and", "&="),
        (AtomicOp.Xor, "xor", "^="),
    ];

    public static readonly Atomic[] Atomics =
    [
        .. AtomicBases.Select(b => new Atomic(b.Imm, b.Name, AtomicForm.Lock, b.Operator)),
        .. AtomicBases.Select(b => new Atomic(b.Imm | AtomicOp.Fetch, "fetch " + b.Name, AtomicForm.Fetch, "atomic_fetch_" + b.Name)),
        new(AtomicOp.Xchg, "xchg", AtomicForm.Exchange, "xchg"),
        new(AtomicOp.CmpXchg, "cmpxchg", AtomicForm.CompareExchange, "cmpxchg"),
    ];

    /// <summary>LLVM's suffix on xchg and cmpxchg: <c>xchg_64</c>, <c>xchg32_32</c>.</summary>
    public static string ExchangeSuffix(bool wide) => wide ? "_64" : "32_32";

    /// <summary>
    /// The pseudo forms of lddw (source register 1..6), which llvm-objdump prints only as an opaque
    /// <c>ld_pseudo</c> that drops the second immediate. They are written in RFC 9669's own notation
    /// (section 5.4), with the second immediate added when it is not zero:
    /// <c>r1 = map_by_idx(0x3) ll</c>, <c>r1 = map_val(map_by_idx(0x3)) + 0x10 ll</c>,
    /// <c>r1 = map_by_fd(0x3) ll</c>, <c>r1 = var_addr(0x3) ll</c>, <c>r1 = code_addr(0x3) ll</c>.
    /// </summary>
    public sealed record Pseudo(LddwKind Kind, string Function, bool Value);

    public static readonly Pseudo[] PseudoLoads =
    [
        new(LddwKind.MapByFd, "map_by_fd", false),
        new(LddwKind.MapValueByFd, "map_by_fd", true),
        new(LddwKind.VariableAddress, "var_addr", false),
        new(LddwKind.CodeAddress, "code_addr", false),
        new(LddwKind.MapByIndex, "map_by_idx", false),
        new(LddwKind.MapValueByIndex, "map_by_idx", true),
    ];
}
