namespace Firmware.Verifier.Domains;

/// <summary>
/// Upper bounds of x - y for two numbers of a state (scalars, pointer offsets, a filled run's end, the
/// buffer length), from their intervals, their links and the state's <see cref="Zone"/>, and the zone a
/// join keeps.
/// <para>
/// The machine computes modulo 2^64, the zone in integers. A group's base b is fixed while its id lives
/// (a new base gets a new id: <see cref="Zone.Without"/>); every member is b + delta modulo 2^64. For a
/// member whose value and delta both lie within ±<see cref="Range"/>, value - delta is the one
/// representative of b within ±2^62, the same for every such member at any time: that integer is the
/// N(b) the zone bounds. So bounds are only made from and applied to such <em>usable</em> values, and a
/// value that may wrap (2^63 - 1 + 1, a 32-bit result seen as 64 bits) takes no part.
/// </para>
/// </summary>
internal static class Differences
{
    private const long Range = 1L << 61;

    public static bool Usable(RegisterValue v) =>
        v.IsLinkable && v.Value.SMin >= -Range && v.Value.SMax <= Range && v.Delta is > -Range and < Range;

    /// <summary>Whether the zone can name the value: a member of a group at scale 1.</summary>
    private static bool Named(RegisterValue v) => v.Id != 0 && v.Scale == 1;

    /// <summary>The buffer length as a value of its group (its copies are linked to it at delta 0).</summary>
    public static RegisterValue BufferLength(AbstractState state) =>
        new(ValueKind.Scalar, state.BufferLength, Id: AbstractState.BufferLengthId);

    /// <summary>An upper bound of x - y on every path, or null when either value may wrap.</summary>
    public static Int128? UpperBound(Zone zone, RegisterValue x, RegisterValue y)
    {
        if (!Usable(x) || !Usable(y)) return null;
        Int128 best = (Int128)x.Value.SMax - y.Value.SMin;
        if (!Named(x) || !Named(y)) return best;
        if (x.Id == y.Id) return Int128.Min(best, (Int128)x.Delta - y.Delta);
        return zone.Bound(x.Id, y.Id) is long c ? Int128.Min(best, (Int128)c + x.Delta - y.Delta) : best;
    }

    /// <summary>The zone with x - y &lt;= c, for two named usable values (else unchanged).</summary>
    public static Zone Assume(Zone zone, RegisterValue x, RegisterValue y, long c)
    {
        if (!Usable(x) || !Usable(y) || !Named(x) || !Named(y) || x.Id == y.Id) return zone;
        return zone.With(x.Id, y.Id, c - x.Delta + y.Delta);
    }

    /// <summary>
    /// When the zone bounds x - y from both sides by the same constant, x and y are one group: y's group
    /// joins x's (the buffer length's id stays), so links, which joins relate by, carry the equality (a
    /// run's end tied to the loop's index, once the exit test makes the index n, is n's distance from n).
    /// </summary>
    public static void Unify(AbstractState state, RegisterValue x, RegisterValue y)
    {
        if (!Named(x) || !Named(y) || x.Id == y.Id || state.Zone.Bound(x.Id, y.Id) is not long c || state.Zone.Bound(y.Id, x.Id) != -c) return;
        // N(x) - N(y) = c: a member s * N(y) + d of y's group is s * N(x) + d - s * c (and the other way round).
        var (kept, gone, shift) = y.Id == AbstractState.BufferLengthId ? (y.Id, x.Id, c) : (x.Id, y.Id, -c);
        if (!Links.Fits(shift)) return;
        // The length's group holds scale 1 only (its narrowing assumes it); other members stay behind, still linked.
        bool Moves(RegisterValue v) => v.Id == gone && v.IsLinkable && Links.Fits(v.Scale * shift) && (kept != AbstractState.BufferLengthId || v.Scale == 1);
        state.UpdateAll(v => Moves(v) ? v with { Id = kept, Delta = v.Delta + v.Scale * shift } : v);
        state.Zone = state.Zone.Without(gone);
    }

    /// <summary>
    /// Tightens the intervals of the values the zone relates to <paramref name="narrowed"/>, which a
    /// comparison just narrowed: v - narrowed &lt;= c bounds v from above, narrowed - v &lt;= c from below
    /// (`n >= 2` after `i &lt; n` makes a run that ends at a + n reach a + 2). The zone is closed, so one
    /// step reaches every related value.
    /// </summary>
    public static void Tighten(AbstractState state, RegisterValue narrowed)
    {
        if (state.Zone.Count == 0 || !Usable(narrowed) || !Named(narrowed)) return;
        var zone = state.Zone;
        RegisterValue Update(RegisterValue v)
        {
            if (!Usable(v) || !Named(v) || v.Id == narrowed.Id) return v;
            long? above = zone.Bound(v.Id, narrowed.Id), below = zone.Bound(narrowed.Id, v.Id);
            if (above is null && below is null) return v;
            Int128 shift = (Int128)v.Delta - narrowed.Delta;
            Int128 max = above is long a ? narrowed.Value.SMax + a + shift : long.MaxValue;
            Int128 min = below is long b ? narrowed.Value.SMin - b + shift : long.MinValue;
            if (min > max || min < long.MinValue || max > long.MaxValue) return v;
            return v.Value.Meet(Scalar.Signed((long)min, (long)max)) is { } value ? v with { Value = value } : v;
        }
        state.UpdateAll(Update);
        state.BufferLength = Update(BufferLength(state)).Value;
    }

    /// <summary>
    /// The zone of <paramref name="joined"/>: for each pair of its usable variables that are not constants,
    /// the larger of the bounds each side proves for their difference, where that beats what the joined
    /// intervals and links say. A variable that needs a name gets its frame's join id. When widening
    /// (<paramref name="a"/> is the older state), a bound that grew is dropped, so loops converge.
    /// <para>
    /// Every pair is weighed, not only those either zone bounds: two sides' intervals alone can prove a
    /// difference the joined intervals lose (x - y &lt;= 2 from x = 5, y = 3 and x = 10, y = 9). The pairs
    /// are few (variables holding non-constant numbers on both sides); visiting the frames' 79 variables
    /// to find them was the cost, so only variables that hold values are visited, each read once.
    /// </para>
    /// </summary>
    public static Zone Join(AbstractState joined, AbstractState a, AbstractState b, bool widen)
    {
        int capacity = joined.Frames.Count * Frame.Variables + 1;
        Span<(int Frame, int Index)> candidates = capacity <= 1024 ? stackalloc (int, int)[capacity] : new (int, int)[capacity];
        Span<int> held = stackalloc int[Frame.Variables];
        int count = 0;
        for (int f = 0; f < joined.Frames.Count; f++)
        {
            // Not runs' ends: the join may have taken a side's end shorter than that side's run (a run covers
            // every shorter one), so that side's bounds do not hold of it. Its link relates it, when it has one.
            foreach (int i in held[..joined.Frames[f].HeldVariables(held)])
                if (i < Frame.FirstRunEnd && Candidate(Variable(joined, f, i)) && Usable(Variable(a, f, i)) && Usable(Variable(b, f, i)))
                    candidates[count++] = (f, i);
        }
        if (Candidate(BufferLength(joined)) && Usable(BufferLength(a)) && Usable(BufferLength(b)))
            candidates[count++] = (-1, 0);
        if (count < 2) return Zone.Empty;
        candidates = candidates[..count];
        Span<RegisterValue> sideA = count <= 64 ? stackalloc RegisterValue[count] : new RegisterValue[count];
        Span<RegisterValue> sideB = count <= 64 ? stackalloc RegisterValue[count] : new RegisterValue[count];
        Span<RegisterValue> sideJoined = count <= 64 ? stackalloc RegisterValue[count] : new RegisterValue[count];
        for (int i = 0; i < count; i++)
            (sideA[i], sideB[i], sideJoined[i]) = (Variable(a, candidates[i]), Variable(b, candidates[i]), Variable(joined, candidates[i]));
        List<(int X, int Y, long C)>? bounds = null;
        for (int x = 0; x < count; x++)
        {
            for (int y = 0; y < count; y++)
            {
                if (x == y) continue;
                Int128 boundA = UpperBound(a.Zone, sideA[x], sideA[y])!.Value;
                Int128 boundB = UpperBound(b.Zone, sideB[x], sideB[y])!.Value;
                if (widen && boundB > boundA) continue;
                Int128 bound = Int128.Max(boundA, boundB);
                if (bound >= UpperBound(Zone.Empty, sideJoined[x], sideJoined[y])) continue;
                if (Named(joined, candidates[x], ref sideJoined[x]) is { } nx && Named(joined, candidates[y], ref sideJoined[y]) is { } ny && nx.Id != ny.Id)
                    (bounds ??= []).Add((nx.Id, ny.Id, (long)(bound - nx.Delta + ny.Delta)));
            }
        }
        return bounds is null ? Zone.Empty : Zone.Closed(bounds);
    }

    private static bool Candidate(RegisterValue v) => Usable(v) && !v.Value.IsConst;

    private static RegisterValue Variable(AbstractState state, (int Frame, int Index) v) => Variable(state, v.Frame, v.Index);

    private static RegisterValue Variable(AbstractState state, int frame, int index) =>
        frame < 0 ? BufferLength(state) : state.Frames[frame].Variable(index);

    /// <summary>
    /// The joined variable <paramref name="value"/> (variable <paramref name="v"/>), given its frame's join id
    /// if it has no id yet (in the state and in <paramref name="value"/>); null if the zone cannot name it.
    /// </summary>
    private static RegisterValue? Named(AbstractState joined, (int Frame, int Index) v, ref RegisterValue value)
    {
        if (value.Id == 0)
        {
            value = value with { Id = Links.JoinId(v.Frame, v.Index), Delta = 0, Scale = 1 };
            joined.Frames[v.Frame].SetVariable(v.Index, value);
        }
        return Named(value) ? value : null;
    }
}
