namespace Firmware.Verifier.Domains;

/// <summary>
/// A 64-bit value: signed and unsigned intervals plus known bits, kept consistent with each other by
/// <see cref="Normalize"/>. Also the offset of a pointer from its region's base.
/// </summary>
internal readonly record struct Scalar(long SMin, long SMax, ulong UMin, ulong UMax, Tnum Bits)
{
    public static readonly Scalar Unknown = new(long.MinValue, long.MaxValue, 0, ulong.MaxValue, Tnum.Unknown);
    public static readonly Scalar Zero = Const(0);

    public static Scalar Const(ulong value) => new((long)value, (long)value, value, value, Tnum.Const(value));

    public static Scalar Const(long value) => Const((ulong)value);

    /// <summary>Any value of an unsigned interval.</summary>
    public static Scalar Unsigned(ulong min, ulong max) => new Scalar(long.MinValue, long.MaxValue, min, max, Tnum.Unknown).Normalize()!.Value;

    public static Scalar Signed(long min, long max) => new Scalar(min, max, 0, ulong.MaxValue, Tnum.Unknown).Normalize()!.Value;

    /// <summary>A zero-extended load of <paramref name="bytes"/> bytes.</summary>
    public static Scalar OfWidth(int bytes) => bytes >= 8 ? Unknown : Unsigned(0, (1UL << (8 * bytes)) - 1);

    public bool IsConst => UMin == UMax;

    public override string ToString() => IsConst ? $"{(long)UMin}"
        : this == Unknown ? "scalar"
        : $"[{SMin}, {SMax}] u[{UMin}, {UMax}]{(Bits.Mask != ulong.MaxValue ? $" bits 0x{Bits.Value:x}/0x{Bits.Mask:x}" : "")}";

    /// <summary>Tightens each component with the others; null when they contradict (no value: dead path).</summary>
    public Scalar? Normalize()
    {
        long smin = SMin, smax = SMax;
        ulong umin = Math.Max(UMin, Bits.Min), umax = Math.Min(UMax, Bits.Max);
        for (int round = 0; round < 2; round++)
        {
            if (smin >= 0 || smax < 0)
            {
                // The signed range does not cross the sign boundary, so it is also an unsigned range.
                umin = Math.Max(umin, (ulong)smin);
                umax = Math.Min(umax, (ulong)smax);
            }
            if ((long)umin <= (long)umax)
            {
                // The unsigned range does not cross 2^63, so it is also a signed range.
                smin = Math.Max(smin, (long)umin);
                smax = Math.Min(smax, (long)umax);
            }
            if (umin > umax || smin > smax) return null;
        }
        var bits = Bits.Meet(Tnum.Range(umin, umax));
        if (bits is null) return null;
        umin = Math.Max(umin, bits.Value.Min);
        umax = Math.Min(umax, bits.Value.Max);
        (umin, umax) = AlignToLowBits(umin, umax, bits.Value);
        if (umin > umax) return null;
        return new Scalar(smin, smax, umin, umax, bits.Value);
    }

    /// <summary>Moves the bounds to values whose known low bits match (a multiple of 8 in [249, 256] is 256).</summary>
    private static (ulong Min, ulong Max) AlignToLowBits(ulong umin, ulong umax, Tnum bits)
    {
        int known = System.Numerics.BitOperations.TrailingZeroCount(bits.Mask);
        if (known == 0 || known >= 64) return (umin, umax);
        ulong step = 1UL << known, low = bits.Value & (step - 1);
        ulong min = (umin & ~(step - 1)) | low;
        if (min < umin)
        {
            if (min > ulong.MaxValue - step) return (1, 0);
            min += step;
        }
        ulong max = (umax & ~(step - 1)) | low;
        if (max > umax)
        {
            if (max < step) return (1, 0);
            max -= step;
        }
        // min > max when no value matches: Normalize reports the contradiction.
        return (min, max);
    }

    public Scalar Join(Scalar other) => new(Math.Min(SMin, other.SMin), Math.Max(SMax, other.SMax),
        Math.Min(UMin, other.UMin), Math.Max(UMax, other.UMax), Bits.Join(other.Bits));

    /// <summary>
    /// Widening with thresholds: a bound that grew jumps to the next program constant beyond it (or the
    /// type's limit), so loop counters compared against constants stabilise at those constants.
    /// </summary>
    public Scalar Widen(Scalar next, Thresholds thresholds)
    {
        var joined = Join(next);
        return new Scalar(
            joined.SMin < SMin ? thresholds.SignedBelow(joined.SMin) : SMin,
            joined.SMax > SMax ? thresholds.SignedAbove(joined.SMax) : SMax,
            joined.UMin < UMin ? thresholds.UnsignedBelow(joined.UMin) : UMin,
            joined.UMax > UMax ? thresholds.UnsignedAbove(joined.UMax) : UMax,
            joined.Bits).Normalize() ?? joined;
    }

    /// <summary>The values that are within both; null when none is (a dead path).</summary>
    public Scalar? Meet(Scalar other)
    {
        var bits = Bits.Meet(other.Bits);
        if (bits is null) return null;
        return new Scalar(Math.Max(SMin, other.SMin), Math.Min(SMax, other.SMax), Math.Max(UMin, other.UMin), Math.Min(UMax, other.UMax), bits.Value).Normalize();
    }

    /// <summary>
    /// Every value plus <paramref name="delta"/> (wrapping, as the machine adds): the signed and the unsigned
    /// interval each shift when that does not wrap, so a stack offset can move below zero.
    /// </summary>
    public Scalar Shift(long delta)
    {
        bool unsignedWraps = delta >= 0 ? UMax > ulong.MaxValue - (ulong)delta : UMin < (ulong)(-delta);
        bool signedWraps = delta >= 0 ? SMax > long.MaxValue - delta : SMin < long.MinValue - delta;
        var byUnsigned = unsignedWraps ? Unknown : Unsigned(UMin + (ulong)delta, UMax + (ulong)delta);
        var bySigned = signedWraps ? Unknown : Signed(SMin + delta, SMax + delta);
        return byUnsigned.Meet(bySigned) ?? Unknown;
    }

    /// <summary>The low 32 bits, zero-extended: what a 32-bit ALU operation or jmp32 sees.</summary>
    public Scalar Low32() => UMax <= uint.MaxValue ? this : new Scalar(0, uint.MaxValue, 0, uint.MaxValue, Bits.Low32()).Normalize() ?? Unsigned(0, uint.MaxValue);

    /// <summary>Sign extension from the low <paramref name="bits"/> bits (movsx, ldxsx).</summary>
    public Scalar SignExtend(int bits)
    {
        ulong half = 1UL << (bits - 1);
        if (UMax < half) return this;
        return Signed(-(long)half, (long)half - 1);
    }
}
