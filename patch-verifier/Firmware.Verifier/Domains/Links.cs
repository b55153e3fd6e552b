namespace Firmware.Verifier.Domains;

/// <summary>
/// Links after a join, and what a bound on one linked value says about another. A link ties values to
/// a hidden base: value = Scale * base + Delta. Two values of a frame (registers, spilled slots, the end
/// of a filled stack run) that keep one such relation on both sides stay linked, even when the sides
/// linked them differently (constants 0 and 0 before a loop, copies inside it; `i` in a register and
/// `i` spilled; a pointer stepped by 4 and its counter stepped by 1, constants on the first iteration):
/// without this a loop head would forget that they move together, and a check on one would not bound
/// the others.
/// </summary>
internal static class Links
{
    /// <summary>Ids given by joins: this base, plus the frame's depth times <see cref="Frame.Variables"/>, plus the group's first variable.</summary>
    private const int JoinIdBase = 1 << 28;

    /// <summary>Scales and deltas stay this small, so that their arithmetic never overflows.</summary>
    private const long Limit = 1L << 40;

    /// <summary>The id a join gives the group named after <paramref name="variable"/> of the frame at <paramref name="depth"/>.</summary>
    public static int JoinId(int depth, int variable) => JoinIdBase + depth * Frame.Variables + variable;

    /// <param name="held">The joined frame's variables that hold values (<see cref="Frame.HeldVariables"/>): the others link nothing.</param>
    /// <param name="a">The variables of one side (<see cref="Frame.Variable"/>) at those indices, <paramref name="b"/> of the other.</param>
    public static void Relink(Frame joined, ReadOnlySpan<int> held, ReadOnlySpan<RegisterValue> a, ReadOnlySpan<RegisterValue> b, int depth)
    {
        Span<int> live = stackalloc int[held.Length];
        int count = 0;
        foreach (int i in held)
            if (Relinkable(joined.Variable(i))) live[count++] = i;
        Span<bool> grouped = stackalloc bool[count];
        // The group being formed: each member is Scale * base + Delta, the head first.
        Span<long> scales = stackalloc long[count], deltas = stackalloc long[count];
        for (int f = 0; f < count; f++)
        {
            if (grouped[f]) continue;
            int first = live[f];
            scales[f] = 1;
            deltas[f] = 0;
            // The group's base: the member whose scale is 1 and delta 0 (the head, until a member steps slower).
            int basis = f;
            bool heads = false;
            for (int o = f + 1; o < count; o++)
            {
                int other = live[o], baseVariable = live[basis];
                if (grouped[o]) continue;
                if (Relation(a[other], a[baseVariable], b[other], b[baseVariable]) is var (k, c))
                    (scales[o], deltas[o]) = (k, c);
                else if (basis == f && Relation(a[first], a[other], b[first], b[other]) is var (k2, c2))
                {
                    // first = k2 * other + c2: other becomes the base, and every member so far is rescaled.
                    if (!Rescale(scales, deltas, grouped, f, count, k2, c2)) continue;
                    (scales[o], deltas[o]) = (1, 0);
                    basis = o;
                }
                else continue;
                grouped[o] = heads = true;
            }
            int id = JoinId(depth, first);
            var head = joined.Variable(first);
            if (!heads)
            {
                if (head.Id >= JoinIdBase) Set(joined, first, head with { Id = 0, Delta = 0, Scale = 1 });
                continue;
            }
            Set(joined, first, head with { Id = id, Scale = scales[f], Delta = deltas[f] });
            for (int o = f + 1; o < count; o++)
                if (grouped[o] && scales[o] != 0)
                {
                    Set(joined, live[o], joined.Variable(live[o]) with { Id = id, Scale = scales[o], Delta = deltas[o] });
                    scales[o] = 0;
                }
        }
    }

    /// <summary>Rewrites the group (head <paramref name="f"/> and its members) in terms of a new base B, where head = k * B + c.</summary>
    private static bool Rescale(Span<long> scales, Span<long> deltas, ReadOnlySpan<bool> grouped, int f, int count, long k, long c)
    {
        for (int m = f; m < count; m++)
            if ((m == f || (grouped[m] && scales[m] != 0)) && (!Fits(scales[m] * k) || !Fits(scales[m] * c + deltas[m]))) return false;
        for (int m = f; m < count; m++)
        {
            if (m != f && !(grouped[m] && scales[m] != 0)) continue;
            (scales[m], deltas[m]) = (scales[m] * k, scales[m] * c + deltas[m]);
        }
        return true;
    }

    /// <summary>Sets a variable only when it changes: setting a spill copies a stack the frame shares.</summary>
    private static void Set(Frame frame, int index, RegisterValue value)
    {
        if (frame.Variable(index) != value) frame.SetVariable(index, value);
    }

    /// <summary>
    /// Links the end of a filled stack run (variable <paramref name="index"/>) that <see cref="Relink"/> left unlinked. A run that reaches
    /// some end also reaches every smaller one, so each side's end may also be taken as the constant it
    /// surely reaches (its smallest value); the first variable that keeps the same distance to one of
    /// these on both sides becomes the end's link, and the end that distance from it. Failing that, a side
    /// whose end is a variable plus d, and another on which that variable plus d surely lies within its
    /// run, agree on end = variable + d (the array refilled from its start after a flush, while the other
    /// path is still filling it).
    /// </summary>
    public static void LinkRunEnd(Frame joined, ReadOnlySpan<int> held, ReadOnlySpan<RegisterValue> a, ReadOnlySpan<RegisterValue> b, int depth, int index)
    {
        ReadOnlySpan<RegisterValue> endsA = [a[index], AtLeast(a[index])], endsB = [b[index], AtLeast(b[index])];
        // The end's partners: the joined frame's registers and spills that hold values (runs' ends are last).
        int partners = 0;
        while (partners < held.Length && held[partners] < Frame.FirstRunEnd) partners++;
        var others = held[..partners];
        // Linked ends first: a constant end links to any constant, which keeps no loop's progress.
        for (int i = 0; i < endsA.Length; i++)
        {
            for (int j = 0; j < endsB.Length; j++)
            {
                foreach (int other in others)
                {
                    if (!Relinkable(joined.Variable(other)) || Relation(endsA[i], a[other], endsB[j], b[other]) is not (1, var d)) continue;
                    LinkEnd(joined, index, other, depth, endsA[i].Join(endsB[j]), d, shorter: i + j > 0);
                    return;
                }
            }
        }
        long start = joined.Stack.RunStart(index - Frame.FirstRunEnd);
        foreach (int other in others)
        {
            if (!Relinkable(joined.Variable(other))) continue;
            if ((Shorter(a[index], a[other], b[index], b[other], start) ?? Shorter(b[index], b[other], a[index], a[other], start)) is not long d) continue;
            LinkEnd(joined, index, other, depth, RegisterValue.Of(a[other].Value.Shift(d)).Join(RegisterValue.Of(b[other].Value.Shift(d))), d, shorter: true);
            return;
        }
    }

    /// <summary>
    /// Makes the joined run's end (variable <paramref name="index"/>) <paramref name="end"/>, linked as variable <paramref name="other"/> + <paramref name="d"/>;
    /// <paramref name="shorter"/> when it may stand for less than a side's own end.
    /// </summary>
    private static void LinkEnd(Frame joined, int index, int other, int depth, RegisterValue end, long d, bool shorter)
    {
        var partner = joined.Variable(other);
        if (partner.Id == 0)
        {
            // Not in a group, so no group is named after it.
            partner = partner with { Id = JoinId(depth, other), Delta = 0, Scale = 1 };
            Set(joined, other, partner);
        }
        joined.SetVariable(index, end with { Id = partner.Id, Scale = partner.Scale, Delta = partner.Delta + d });
        // Bytes pending past a side's end are not at the same distance from a shorter one.
        if (shorter) joined.WritableStack.ForgetPending(index - Frame.FirstRunEnd);
    }

    /// <summary>
    /// The d of end = partner + d on the linked side, when on the other side partner + d surely lies within
    /// its run (from <paramref name="start"/> to its end's smallest value), so that side's run covers it too.
    /// </summary>
    private static long? Shorter(RegisterValue end, RegisterValue partner, RegisterValue otherEnd, RegisterValue otherPartner, long start)
    {
        if (!partner.IsLinkable || !otherPartner.IsLinkable || SameBase(end, partner) is not (1, var d) || !Fits(d)) return null;
        Int128 lo = (Int128)otherPartner.Value.SMin + d, hi = (Int128)otherPartner.Value.SMax + d;
        return lo >= start && hi <= otherEnd.Value.SMin ? d : null;
    }

    private static RegisterValue AtLeast(RegisterValue end) => RegisterValue.Of(Scalar.Const(end.Value.SMin));

    private static bool Relinkable(RegisterValue v) => v.IsLinkable && v.Id != AbstractState.BufferLengthId;

    public static bool Fits(long v) => v is > -Limit and < Limit;

    /// <summary>
    /// (k, c) with x = k * y + c on both sides (xa, ya on one, xb, yb on the other), k at least 1 or -1
    /// (an index counting down as another counts up): read
    /// from a side where they share an id, or through the two points two sides of constants give.
    /// Links relate numbers: a pointer's offset may be linked to a scalar.
    /// </summary>
    private static (long K, long C)? Relation(RegisterValue xa, RegisterValue ya, RegisterValue xb, RegisterValue yb)
    {
        if (!xa.IsLinkable || !ya.IsLinkable || !xb.IsLinkable || !yb.IsLinkable) return null;
        // Most pairs are neither linked nor constants on both sides: no relation, decided cheaply.
        bool linkedA = xa.Id != 0 && xa.Id == ya.Id, linkedB = xb.Id != 0 && xb.Id == yb.Id;
        if (!linkedA && !linkedB && !(xa.Value.IsConst && ya.Value.IsConst && xb.Value.IsConst && yb.Value.IsConst)) return null;
        // Each side's own link, or the line through two constant points; the first that holds on both sides.
        foreach (var candidate in (ReadOnlySpan<(long, long)?>)[SameBase(xa, ya), SameBase(xb, yb), ThroughPoints(xa, ya, xb, yb)])
            if (candidate is var (k, c) && Holds(xa, ya, k, c) && Holds(xb, yb, k, c)) return candidate;
        return null;
    }

    private static (long K, long C)? SameBase(RegisterValue x, RegisterValue y)
    {
        if (x.Id == 0 || x.Id != y.Id || x.Scale % y.Scale != 0) return null;
        long k = x.Scale / y.Scale;
        return k is >= 1 or -1 ? (k, x.Delta - k * y.Delta) : null;
    }

    private static (long K, long C)? ThroughPoints(RegisterValue xa, RegisterValue ya, RegisterValue xb, RegisterValue yb)
    {
        if (Constant(xa) is not long x1 || Constant(ya) is not long y1 || Constant(xb) is not long x2 || Constant(yb) is not long y2) return null;
        if (y1 == y2) return x1 == x2 ? (1, x1 - y1) : null;
        long dx = x2 - x1, dy = y2 - y1;
        if (dx % dy != 0 || dx / dy is < 1 and not -1 || !Fits(dx / dy)) return null;
        return (dx / dy, x1 - dx / dy * y1);
    }

    private static bool Holds(RegisterValue x, RegisterValue y, long k, long c)
    {
        if (!Fits(k) || !Fits(c)) return false;
        if (x.Id != 0 && x.Id == y.Id && x.Scale == k * y.Scale && x.Delta == k * y.Delta + c) return true;
        return Constant(x) is long vx && Constant(y) is long vy && (Int128)vx == (Int128)k * vy + c;
    }

    /// <summary>A constant small enough for link arithmetic (pointer offsets and counters are).</summary>
    private static long? Constant(RegisterValue v) => v.Value.IsConst && Fits((long)v.Value.UMin) ? (long)v.Value.UMin : null;

    /// <summary>
    /// What <paramref name="value"/>, the narrowed value of <paramref name="narrowed"/>, says about
    /// <paramref name="linked"/> (same id). When the linked scale is m times the narrowed one, linked =
    /// m * (narrowed - its delta) + linked delta, modulo 2^64 as the machine computes; otherwise nothing:
    /// scaling is not injective modulo 2^64, so a bound on 4 * base says nothing sure about base.
    /// </summary>
    public static Scalar Transfer(Scalar value, RegisterValue narrowed, RegisterValue linked)
    {
        if (linked.Scale % narrowed.Scale != 0) return Scalar.Unknown;
        long m = linked.Scale / narrowed.Scale;
        if (m == 1) return value.Shift(linked.Delta - narrowed.Delta);
        if (value.SMin <= -Limit || value.SMax >= Limit) return Scalar.Unknown;
        Int128 first = (Int128)m * (value.SMin - narrowed.Delta) + linked.Delta, last = (Int128)m * (value.SMax - narrowed.Delta) + linked.Delta;
        // A negative scale (an index counting down) turns the bounds round.
        var (min, max) = m > 0 ? (first, last) : (last, first);
        return min < long.MinValue || max > long.MaxValue ? Scalar.Unknown : Scalar.Signed((long)min, (long)max);
    }
}
