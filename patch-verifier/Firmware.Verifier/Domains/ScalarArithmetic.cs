using Firmware.Ebpf.Isa;

namespace Firmware.Verifier.Domains;

/// <summary>
/// ALU operations on <see cref="Scalar"/> with RFC 9669 semantics: wrapping arithmetic, division and
/// modulo by zero defined (x / 0 = 0, x % 0 = x), shift amounts masked to the operand width.
/// </summary>
internal static class ScalarArithmetic
{
    public static Scalar Apply(AluOp op, Scalar a, Scalar b, bool is64, bool signedDivision)
    {
        if (!is64)
        {
            a = a.Low32();
            b = b.Low32();
        }
        var result = Compute(op, a, b, is64 ? 63 : 31, signedDivision, is64);
        return is64 ? result : result.Low32();
    }

    private static Scalar Compute(AluOp op, Scalar a, Scalar b, int shiftMask, bool signedDivision, bool is64)
    {
        if (a.IsConst && b.IsConst && op is not (AluOp.Div or AluOp.Mod or AluOp.Arsh))
            return Scalar.Const(ConstFold(op, a.UMin, b.UMin, shiftMask));
        return op switch
        {
            AluOp.Add => Add(a, b),
            AluOp.Sub => Sub(a, b),
            AluOp.Mul => Mul(a, b),
            AluOp.Div when !signedDivision => b.IsConst && b.UMin != 0 ? Scalar.Unsigned(a.UMin / b.UMin, a.UMax / b.UMin) : Scalar.Unsigned(0, a.UMax),
            AluOp.Mod when !signedDivision => b.IsConst && b.UMin != 0 ? Scalar.Unsigned(0, Math.Min(a.UMax, b.UMin - 1)) : Scalar.Unsigned(0, a.UMax),
            AluOp.And => Bits(a.Bits.And(b.Bits), 0, Math.Min(a.UMax, b.UMax)),
            AluOp.Or => Bits(a.Bits.Or(b.Bits), Math.Max(a.UMin, b.UMin), ulong.MaxValue),
            AluOp.Xor => Bits(a.Bits.Xor(b.Bits), 0, ulong.MaxValue),
            AluOp.Lsh when b.IsConst => Lsh(a, (int)(b.UMin & (ulong)shiftMask)),
            AluOp.Rsh when b.IsConst => Rsh(a, (int)(b.UMin & (ulong)shiftMask)),
            AluOp.Arsh when b.IsConst && is64 => Arsh(a, (int)(b.UMin & (ulong)shiftMask)),
            AluOp.Rsh => Scalar.Unsigned(0, a.UMax),
            _ => Scalar.Unknown,
        };
    }

    private static ulong ConstFold(AluOp op, ulong a, ulong b, int shiftMask) => op switch
    {
        AluOp.Add => a + b,
        AluOp.Sub => a - b,
        AluOp.Mul => a * b,
        AluOp.Or => a | b,
        AluOp.And => a & b,
        AluOp.Xor => a ^ b,
        AluOp.Lsh => a << (int)(b & (ulong)shiftMask),
        AluOp.Rsh => a >> (int)(b & (ulong)shiftMask),
        _ => throw new InvalidOperationException($"no constant folding for {op}"),
    };

    public static Scalar Neg(Scalar a, bool is64)
    {
        if (!is64) a = a.Low32();
        if (a.IsConst) return is64 ? Scalar.Const(0UL - a.UMin) : Scalar.Const(0UL - a.UMin).Low32();
        // -[min, max] is [-max, -min] unless min is the one value whose negation wraps.
        return is64 && a.SMin != long.MinValue ? Scalar.Signed(-a.SMax, -a.SMin) : is64 ? Scalar.Unknown : Scalar.Unknown.Low32();
    }

    private static Scalar Bits(Tnum bits, ulong umin, ulong umax) =>
        new Scalar(long.MinValue, long.MaxValue, umin, umax, bits).Normalize() ?? Scalar.Unknown;

    private static Scalar Add(Scalar a, Scalar b)
    {
        bool uOverflow = a.UMax > ulong.MaxValue - b.UMax;
        return Signed(a.Bits.Add(b.Bits), (Int128)a.SMin + b.SMin, (Int128)a.SMax + b.SMax,
            uOverflow ? 0 : a.UMin + b.UMin, uOverflow ? ulong.MaxValue : a.UMax + b.UMax);
    }

    private static Scalar Sub(Scalar a, Scalar b)
    {
        bool uUnderflow = a.UMin < b.UMax;
        return Signed(a.Bits.Sub(b.Bits), (Int128)a.SMin - b.SMax, (Int128)a.SMax - b.SMin,
            uUnderflow ? 0 : a.UMin - b.UMax, uUnderflow ? ulong.MaxValue : a.UMax - b.UMin);
    }

    /// <summary>
    /// The result of a sum or difference whose exact signed bounds are <paramref name="smin"/> and
    /// <paramref name="smax"/>: any signed value when either leaves 64 bits (the machine wraps). Computed
    /// in 128 bits rather than with checked arithmetic, whose exception costs microseconds on every
    /// addition to an unknown value.
    /// </summary>
    private static Scalar Signed(Tnum bits, Int128 smin, Int128 smax, ulong umin, ulong umax)
    {
        bool sOverflow = smin < long.MinValue || smax > long.MaxValue;
        return new Scalar(sOverflow ? long.MinValue : (long)smin, sOverflow ? long.MaxValue : (long)smax, umin, umax, bits).Normalize() ?? Scalar.Unknown;
    }

    private static Scalar Mul(Scalar a, Scalar b) =>
        a.UMax <= uint.MaxValue && b.UMax <= uint.MaxValue ? Scalar.Unsigned(a.UMin * b.UMin, a.UMax * b.UMax) : Scalar.Unknown;

    private static Scalar Lsh(Scalar a, int shift) =>
        a.UMax <= ulong.MaxValue >> shift
            ? new Scalar(long.MinValue, long.MaxValue, a.UMin << shift, a.UMax << shift, a.Bits.Lsh(shift)).Normalize() ?? Scalar.Unknown
            : Bits(a.Bits.Lsh(shift), 0, ulong.MaxValue);

    private static Scalar Rsh(Scalar a, int shift) =>
        new Scalar(long.MinValue, long.MaxValue, a.UMin >> shift, a.UMax >> shift, a.Bits.Rsh(shift)).Normalize() ?? Scalar.Unknown;

    private static Scalar Arsh(Scalar a, int shift) =>
        new Scalar(a.SMin >> shift, a.SMax >> shift, 0, ulong.MaxValue, a.Bits.Arsh(shift)).Normalize() ?? Scalar.Unknown;

    /// <summary>Byte swaps and endianness conversions: the low <paramref name="width"/> bits survive.</summary>
    public static Scalar Endian(Scalar a, int width, bool swap)
    {
        if (!swap && width == 64) return a;
        if (!swap) return a.UMax < (1UL << width) ? a : Scalar.OfWidth(width / 8);
        return Scalar.OfWidth(width / 8);
    }
}
