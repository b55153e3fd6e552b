using Firmware.Ebpf.Isa;

namespace Firmware.Verifier.Domains;

/// <summary>
/// Narrowing by branch conditions: what a conditional jump's outcome says about its two operands.
/// A null result means the outcome is impossible, so that edge is dead.
/// </summary>
internal static class Comparison
{
    private enum Relation { Eq, Ne, ULt, ULe, SLt, SLe, Set, Clear }

    /// <summary>The operands on the edge where the jump <paramref name="op"/> is taken (or not).</summary>
    public static (Scalar A, Scalar B)? Refine(JmpOp op, bool taken, Scalar a, Scalar b)
    {
        var (relation, swap) = RelationOf(op, taken);
        var (x, y) = swap ? (b, a) : (a, b);
        var refined = Apply(relation, x, y);
        if (refined is null) return null;
        return swap ? (refined.Value.B, refined.Value.A) : refined;
    }

    private static (Relation, bool Swap) RelationOf(JmpOp op, bool taken) => (op, taken) switch
    {
        (JmpOp.Jeq, true) or (JmpOp.Jne, false) => (Relation.Eq, false),
        (JmpOp.Jeq, false) or (JmpOp.Jne, true) => (Relation.Ne, false),
        (JmpOp.Jlt, true) or (JmpOp.Jge, false) => (Relation.ULt, false),
        (JmpOp.Jle, true) or (JmpOp.Jgt, false) => (Relation.ULe, false),
        (JmpOp.Jgt, true) or (JmpOp.Jle, false) => (Relation.ULt, true),
        (JmpOp.Jge, true) or (JmpOp.Jlt, false) => (Relation.ULe, true),
        (JmpOp.Jslt, true) or (JmpOp.Jsge, false) => (Relation.SLt, false),
        (JmpOp.Jsle, true) or (JmpOp.Jsgt, false) => (Relation.SLe, false),
        (JmpOp.Jsgt, true) or (JmpOp.Jsle, false) => (Relation.SLt, true),
        (JmpOp.Jsge, true) or (JmpOp.Jslt, false) => (Relation.SLe, true),
        (JmpOp.Jset, true) => (Relation.Set, false),
        (JmpOp.Jset, false) => (Relation.Clear, false),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a conditional jump"),
    };

    private static (Scalar A, Scalar B)? Apply(Relation relation, Scalar a, Scalar b)
    {
        switch (relation)
        {
            case Relation.Eq:
                var both = a.Meet(b);
                return both is null ? null : (both.Value, both.Value);
            case Relation.Ne:
                if (a.IsConst && b.IsConst) return a.UMin == b.UMin ? null : (a, b);
                var notB = b.IsConst ? Exclude(a, b.UMin) : a;
                var notA = a.IsConst ? Exclude(b, a.UMin) : b;
                return notA is null ? null : Pair(notB, notA.Value);
            case Relation.ULt:
                if (b.UMax == 0 || a.UMin == ulong.MaxValue) return null;
                return Pair(a with { UMax = Math.Min(a.UMax, b.UMax - 1) }, b with { UMin = Math.Max(b.UMin, a.UMin + 1) });
            case Relation.ULe:
                return Pair(a with { UMax = Math.Min(a.UMax, b.UMax) }, b with { UMin = Math.Max(b.UMin, a.UMin) });
            case Relation.SLt:
                if (b.SMax == long.MinValue || a.SMin == long.MaxValue) return null;
                return Pair(a with { SMax = Math.Min(a.SMax, b.SMax - 1) }, b with { SMin = Math.Max(b.SMin, a.SMin + 1) });
            case Relation.SLe:
                return Pair(a with { SMax = Math.Min(a.SMax, b.SMax) }, b with { SMin = Math.Max(b.SMin, a.SMin) });
            case Relation.Set:
                // Some bit of b is set in a: impossible only when a's set bits are known to miss every possible bit of b.
                return (a.Bits.Max & b.Bits.Max) == 0 ? null : (a, b);
            default:
                if (!b.IsConst) return (a, b);
                var cleared = a.Bits.Meet(new Tnum(0, ~b.UMin));
                return cleared is null ? null : Pair(a with { Bits = cleared.Value }, b);
        }
    }

    private static (Scalar, Scalar)? Pair(Scalar? a, Scalar b)
    {
        if (a is null) return null;
        var na = a.Value.Normalize();
        var nb = b.Normalize();
        return na is null || nb is null ? null : (na.Value, nb.Value);
    }

    /// <summary>Removes one value when it sits at a bound (`i != n` ends a counted loop).</summary>
    private static Scalar? Exclude(Scalar a, ulong value)
    {
        if (a.IsConst) return a.UMin == value ? null : a;
        if (a.UMin == value) a = a with { UMin = value + 1 };
        else if (a.UMax == value) a = a with { UMax = value - 1 };
        if (a.SMin == (long)value) a = a with { SMin = (long)value + 1 };
        else if (a.SMax == (long)value) a = a with { SMax = (long)value - 1 };
        return a;
    }
}
