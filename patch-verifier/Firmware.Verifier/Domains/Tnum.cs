using System.Numerics;

namespace Firmware.Verifier.Domains;

/// <summary>
/// Known bits ("tristate numbers", as in the Linux verifier): bits set in <see cref="Mask"/> are unknown,
/// the others equal <see cref="Value"/>. Catches what intervals cannot: `x & 0xf0`, alignment, `x | 1`.
/// </summary>
internal readonly record struct Tnum(ulong Value, ulong Mask)
{
    public static readonly Tnum Unknown = new(0, ulong.MaxValue);

    public static Tnum Const(ulong value) => new(value, 0);

    /// <summary>Everything in [min, max]: the common high bits are known.</summary>
    public static Tnum Range(ulong min, ulong max)
    {
        ulong chi = min ^ max;
        int bits = chi == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(chi);
        if (bits > 63) return Unknown;
        ulong delta = (1UL << bits) - 1;
        return new(min & ~delta, delta);
    }

    public bool IsConst => Mask == 0;
    public ulong Min => Value;
    public ulong Max => Value | Mask;

    public Tnum And(Tnum other)
    {
        ulong alpha = Value | Mask, beta = other.Value | other.Mask, v = Value & other.Value;
        return new(v, alpha & beta & ~v);
    }

    public Tnum Or(Tnum other)
    {
        ulong v = Value | other.Value, mu = Mask | other.Mask;
        return new(v, mu & ~v);
    }

    public Tnum Xor(Tnum other)
    {
        ulong v = Value ^ other.Value, mu = Mask | other.Mask;
        return new(v & ~mu, mu);
    }

    public Tnum Add(Tnum other)
    {
        ulong sm = Mask + other.Mask, sv = Value + other.Value, sigma = sm + sv, chi = sigma ^ sv;
        ulong mu = chi | Mask | other.Mask;
        return new(sv & ~mu, mu);
    }

    public Tnum Sub(Tnum other)
    {
        ulong dv = Value - other.Value, alpha = dv + Mask, beta = dv - other.Mask, chi = alpha ^ beta;
        ulong mu = chi | Mask | other.Mask;
        return new(dv & ~mu, mu);
    }

    public Tnum Lsh(int shift) => new(Value << shift, Mask << shift);

    public Tnum Rsh(int shift) => new(Value >> shift, Mask >> shift);

    public Tnum Arsh(int shift) => new((ulong)((long)Value >> shift), (ulong)((long)Mask >> shift));

    /// <summary>The low 32 bits, zero-extended (32-bit ALU results).</summary>
    public Tnum Low32() => new(Value & uint.MaxValue, Mask & uint.MaxValue);

    public Tnum Join(Tnum other)
    {
        ulong mu = Mask | other.Mask | (Value ^ other.Value);
        return new(Value & ~mu, mu);
    }

    /// <summary>Null when the two describe no common value (a contradiction: the branch is dead).</summary>
    public Tnum? Meet(Tnum other)
    {
        ulong known = ~Mask & ~other.Mask;
        if (((Value ^ other.Value) & known) != 0) return null;
        ulong mu = Mask & other.Mask;
        return new((Value | other.Value) & ~mu, mu);
    }
}
