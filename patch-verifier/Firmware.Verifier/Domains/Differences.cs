namespace Firmware.Verifier.Domains;

/// <summary>
/// Upper bounds of x - y and of x + y for two numbers of a state (scalars, pointer offsets, a filled run's
/// end, the buffer length), from their intervals, their links and the state's <see cref="Zone"/>, and the
/// zone a join keeps. A sum is a difference with one side negated (<see cref="Negated"/>), so one set of
/// rules serves both.
/// <para>
/// The machine computes modulo 2^64, the zone in integers. A group's base b is fixed while its id lives
/// (a new base gets a new id: <see cref="Zone.Without"/>); every member is plus or minus b, plus its delta,
/// modulo 2^64. For a member whose value and delta both lie within ±<see cref="Range"/>, ±(value - delta)
/// is the one representative of b within ±2^62, the same for every such member at any time: that integer
/// is the N(b) the zone bounds. So bounds are only made from and applied to such <em>usable</em> values,
/// and a value that may wrap (2^63 - 1 + 1, a 32-bit result seen as 64 bits) takes no part.
/// </para>
/// </summary>
internal static class Differences
{
    private const long Range = 1L << 61;

    public static bool Usable(RegisterValue v) =>
        v.IsLinkable && v.Value.SMin >= -Range && v.Value.SMax <= Range && v.Delta is > -Range and < Range;

    /// <summary>Whether the zone can name the value: a member of a group at scale 1 or -1.</summary>
    private static bool Named(RegisterValue v) => v.Id != 0 && v.Scale is 1 or -1;

    /// <summary>The zone's node for a named value: its group's base, or the base negated.</summary>
    private static int Node(RegisterValue v) => Zone.Node(v.Id, v.Scale < 0);

    /// <summary>
    /// -v, as a value of the same group at the opposite scale: x + y &lt;= c is x - (-y) &lt;= c. Only its
    /// signed bounds are kept (all the bounds here read), which spares a join normalising a scalar per pair.
    /// </summary>
    public static RegisterValue Negated(RegisterValue v) =>
        v with
        {
            Value = v.Value.SMin == long.MinValue ? Scalar.Unknown : new Scalar(-v.Value.SMax, -v.Value.SMin, 0, ulong.MaxValue, Tnum.Unknown),
            Scale = -v.Scale,
            Delta = -v.Delta,
        };

    /// <summary>The buffer length as a value of its group (its copies are linked to it at delta 0).</summary>
    public static RegisterValue BufferLength(AbstractState state) =>
        new(ValueKind.Scalar, state.BufferLength, Id: AbstractState.BufferLengthId);

    /// <summary>An upper bound of x - y on every path, or null when either value may wrap.</summary>
    public static Int128? UpperBound(Zone zone, RegisterValue x, RegisterValue y)
    {
        if (!Usable(x) || !Usable(y)) return null;
        Int128 best = (Int128)x.Value.SMax - y.Value.SMin;
        return ZoneBound(zone, x, y) is Int128 c ? Int128.Min(best, c) : best;
    }

    /// <summary>The bound on x - y that links and the zone give (not the intervals), for usable values.</summary>
    private static Int128? ZoneBound(Zone zone, RegisterValue x, RegisterValue y)
    {
        if (!Named(x) || !Named(y)) return null;
        if (Node(x) == Node(y)) return (Int128)x.Delta - y.Delta;
        return zone.Bound(Node(x), Node(y)) is long c ? (Int128)c + x.Delta - y.Delta : null;
    }

    /// <summary>What the zone says of x + y (pointer + index, `i + size`), or null when it says nothing.</summary>
    public static Scalar? Sum(Zone zone, RegisterValue x, RegisterValue y)
    {
        if (zone.Count == 0 || !Usable(x) || !Usable(y)) return null;
        Int128? above = ZoneBound(zone, x, Negated(y)), below = ZoneBound(zone, Negated(x), y);
        if (above is null && below is null) return null;
        Int128 max = Int128.Min(above ?? long.MaxValue, long.MaxValue), min = Int128.Max(below is Int128 b ? -b : long.MinValue, long.MinValue);
        return min > max ? null : Scalar.Signed((long)min, (long)max);
    }

    /// <summary>The zone with x - y &lt;= c, for two named usable values (else unchanged).</summary>
    public static Zone Assume(Zone zone, RegisterValue x, RegisterValue y, long c)
    {
        if (!Usable(x) || !Usable(y) || !Named(x) || !Named(y) || Node(x) == Node(y)) return zone;
        var (nx, ny, bound) = Bound(x, y, c);
        return zone.With(nx, ny, bound);
    }

    /// <summary>x - y &lt;= c for two named values, as the bound between their nodes that says it.</summary>
    private static (int X, int Y, long C) Bound(RegisterValue x, RegisterValue y, long c) => (Node(x), Node(y), c - x.Delta + y.Delta);

    /// <summary>
    /// Records that <paramref name="result"/>, a new group's base, is x + y (<paramref name="y"/> negated for
    /// a difference), for values that cannot wrap: a later comparison of the result bounds the operands' sum,
    /// and the result less either operand is the other, whose interval bounds that difference now
    /// (`len - 1 - i` with i at least 0 is at most len - 1).
    /// </summary>
    public static void RecordSum(AbstractState state, RegisterValue result, RegisterValue x, RegisterValue y)
    {
        if (!Usable(result) || !Usable(x) || !Usable(y) || !Named(x) || !Named(y) || result.Scale != 1 || result.Delta != 0) return;
        if (result.Id == x.Id || result.Id == y.Id || x.Id == y.Id) return;
        // result - x = y and result - y = x: each difference lies within the other operand's interval.
        Span<(int, int, long)> bounds = stackalloc (int, int, long)[4];
        int count = 0;
        foreach (var (operand, other) in (ReadOnlySpan<(RegisterValue, RegisterValue)>)[(x, y), (y, x)])
        {
            bounds[count++] = Bound(result, operand, other.Value.SMax);
            bounds[count++] = Bound(operand, result, -other.Value.SMin);
        }
        state.Zone = state.Zone.With(bounds, new SumFact(result.Id, Node(x), Node(y), x.Delta + y.Delta));
    }

    /// <summary>
    /// Turns the bounds a comparison just gave <paramref name="narrowed"/> into bounds on the operands of the
    /// sums it is the result of: `i + 2 + size &lt;= len` bounds `i + size`.
    /// </summary>
    public static void BoundSums(AbstractState state, RegisterValue narrowed)
    {
        if (!Usable(narrowed) || narrowed.Id == 0 || narrowed.Scale != 1) return;
        long lo = narrowed.Value.SMin - narrowed.Delta, hi = narrowed.Value.SMax - narrowed.Delta;
        foreach (var sum in state.Zone.SumsOf(narrowed.Id))
        {
            // x + y = N - c, so x - (-y) <= hi - c and -x - y <= c - lo.
            state.Zone = state.Zone.With([(sum.X, Zone.Not(sum.Y), hi - sum.C), (Zone.Not(sum.X), sum.Y, sum.C - lo)]);
        }
    }

    /// <summary>
    /// When the zone bounds x - y from both sides by the same constant, x and y are one group: y's group
    /// joins x's (the buffer length's id stays), so links, which joins relate by, carry the equality (a
    /// run's end tied to the loop's index, once the exit test makes the index n, is n's distance from n).
    /// </summary>
    public static void Unify(AbstractState state, RegisterValue x, RegisterValue y)
    {
        if (x.Id == 0 || y.Id == 0 || x.Scale != 1 || y.Scale != 1 || x.Id == y.Id) return;
        if (state.Zone.Bound(Node(x), Node(y)) is not long c || state.Zone.Bound(Node(y), Node(x)) != -c) return;
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
    /// (`n >= 2` after `i &lt; n` makes a run that ends at a + n reach a + 2), and so do bounds on
    /// v + narrowed (`size >= 2` after `i + size &lt;= 254` makes `i &lt;= 252`). The zone is closed, so
    /// one step reaches every related value.
    /// </summary>
    public static void Tighten(AbstractState state, RegisterValue narrowed)
    {
        if (state.Zone.Count == 0 || !Usable(narrowed) || !Named(narrowed)) return;
        var zone = state.Zone;
        var negated = Negated(narrowed);
        RegisterValue Update(RegisterValue v)
        {
            if (!Usable(v) || !Named(v) || v.Id == narrowed.Id) return v;
            Int128 max = long.MaxValue, min = long.MinValue;
            // v - w <= c bounds v from above, w - v <= c from below, for w = narrowed and w = -narrowed.
            foreach (var w in (ReadOnlySpan<RegisterValue>)[narrowed, negated])
            {
                if (ZoneBound(zone, v, w) is Int128 above) max = Int128.Min(max, w.Value.SMax + above);
                if (ZoneBound(zone, w, v) is Int128 below) min = Int128.Max(min, w.Value.SMin - below);
            }
            if (max == long.MaxValue && min == long.MinValue) return v;
            if (min > max) return v;
            return v.Value.Meet(Scalar.Signed((long)Int128.Max(min, long.MinValue), (long)Int128.Min(max, long.MaxValue))) is { } value ? v with { Value = value } : v;
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
        // Each side's values, then their negations (at count + i): a sum is a difference with one side negated.
        int terms = 2 * count;
        Span<RegisterValue> sideA = terms <= 64 ? stackalloc RegisterValue[terms] : new RegisterValue[terms];
        Span<RegisterValue> sideB = terms <= 64 ? stackalloc RegisterValue[terms] : new RegisterValue[terms];
        Span<RegisterValue> sideJoined = terms <= 64 ? stackalloc RegisterValue[terms] : new RegisterValue[terms];
        for (int i = 0; i < count; i++)
        {
            (sideA[i], sideB[i], sideJoined[i]) = (Variable(a, candidates[i]), Variable(b, candidates[i]), Variable(joined, candidates[i]));
            (sideA[count + i], sideB[count + i], sideJoined[count + i]) = (Negated(sideA[i]), Negated(sideB[i]), Negated(sideJoined[i]));
        }
        List<(int X, int Y, long C)>? bounds = null;
        for (int x = 0; x < count; x++)
        {
            for (int y = 0; y < count; y++)
            {
                if (x == y) continue;
                // x - y; and once per pair, x + y and -x - y (x - (-y) and -x - y).
                foreach (var (negateX, negateY) in Signs)
                {
                    if ((negateX || negateY) && x > y) continue;
                    int tx = negateX ? count + x : x, ty = negateY ? count + y : y;
                    Int128 boundA = UpperBound(a.Zone, sideA[tx], sideA[ty])!.Value;
                    Int128 boundB = UpperBound(b.Zone, sideB[tx], sideB[ty])!.Value;
                    if (widen && boundB > boundA) continue;
                    Int128 bound = Int128.Max(boundA, boundB);
                    if (bound >= UpperBound(Zone.Empty, sideJoined[tx], sideJoined[ty])) continue;
                    if (Name(joined, candidates, sideJoined, x) is not { } nx || Name(joined, candidates, sideJoined, y) is not { } ny || nx.Id == ny.Id)
                        continue;
                    var (vx, vy) = (sideJoined[tx], sideJoined[ty]);
                    (bounds ??= []).Add((Node(vx), Node(vy), (long)(bound - vx.Delta + vy.Delta)));
                }
            }
        }
        return bounds is null ? Zone.Empty : Zone.Closed(bounds);
    }

    private static readonly (bool NegateX, bool NegateY)[] Signs = [(false, false), (false, true), (true, false)];

    /// <summary><see cref="Named(AbstractState, (int, int), ref RegisterValue)"/> for candidate <paramref name="i"/>, whose negation (at count + i) follows.</summary>
    private static RegisterValue? Name(AbstractState joined, ReadOnlySpan<(int Frame, int Index)> candidates, Span<RegisterValue> sideJoined, int i)
    {
        bool unnamed = sideJoined[i].Id == 0;
        var named = Named(joined, candidates[i], ref sideJoined[i]);
        if (unnamed) sideJoined[candidates.Length + i] = Negated(sideJoined[i]);
        return named;
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
