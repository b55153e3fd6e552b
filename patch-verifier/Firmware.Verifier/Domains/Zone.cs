namespace Firmware.Verifier.Domains;

/// <summary>
/// Bounds between link groups (an octagon, kept as a difference-bound matrix over signed nodes): node
/// 2g stands for N(g), the base of link group g as an integer (see <see cref="Differences"/> for what
/// that means modulo 2^64), and node 2g + 1 for -N(g). A bound u - v &lt;= c between nodes so says
/// N(x) - N(y) &lt;= c, N(x) + N(y) &lt;= c or -N(x) - N(y) &lt;= c: differences, as PREVAIL's zone keeps,
/// and the sums that `i + size &lt;= len` and `n &lt; len - start` need. Every bound is kept with its twin
/// (u - v &lt;= c is also -v - -u &lt;= c), and closed (every bound a path of bounds implies is stored).
/// <para>
/// Links are the zone's equalities: every member of a group is plus or minus its base, plus a delta, so one
/// bound between two nodes relates all their members. Besides bounds a zone holds <see cref="SumFact"/>s,
/// which a comparison of the sum turns into bounds. Sparse and immutable: states share a zone until one of
/// them learns something.
/// </para>
/// </summary>
internal sealed class Zone
{
    public static readonly Zone Empty = new([], []);

    /// <summary>Bounds this large are dropped, so that adding two never overflows.</summary>
    private const long Limit = 1L << 62;

    private readonly Dictionary<long, long> _bounds;
    private readonly SumFact[] _sums;

    private Zone(Dictionary<long, long> bounds, SumFact[] sums)
    {
        _bounds = bounds;
        _sums = sums;
    }

    public int Count => _bounds.Count;

    /// <summary>The node standing for plus (or minus) the base of group <paramref name="id"/>.</summary>
    public static int Node(int id, bool negative) => (id << 1) | (negative ? 1 : 0);

    /// <summary>The group whose base <paramref name="node"/> stands for, or its negation.</summary>
    public static int IdOf(int node) => node >> 1;

    /// <summary>The node standing for the negation of <paramref name="node"/>.</summary>
    public static int Not(int node) => node ^ 1;

    /// <summary>The c of node x - node y &lt;= c, if one is known.</summary>
    public long? Bound(int x, int y) => _bounds.Count != 0 && _bounds.TryGetValue(Key(x, y), out long c) ? c : null;

    /// <summary>One 64-bit key per pair of nodes: cheaper to hash than a tuple, and bounds are looked up for every pair a join weighs.</summary>
    private static long Key(int x, int y) => ((long)x << 32) | (uint)y;

    private static (int X, int Y) Nodes(long key) => ((int)(key >> 32), (int)key);

    /// <summary>
    /// This zone and node x - node y &lt;= c with its twin, closed: each joins every path through it (u to x,
    /// then y to v). Returns this zone when it already implies the bound.
    /// </summary>
    public Zone With(int x, int y, long c) => With([(x, y, c)]);

    /// <summary>This zone and several bounds (x, y, c: node x - node y &lt;= c) with their twins, closed, in one copy.</summary>
    public Zone With(ReadOnlySpan<(int X, int Y, long C)> added, SumFact? sum = null)
    {
        Dictionary<long, long>? bounds = null;
        foreach (var (x, y, c) in added)
        {
            if (x == y || c is <= -Limit or >= Limit || (bounds is null ? Bound(x, y) : Find(bounds, x, y)) <= c) continue;
            bounds ??= new Dictionary<long, long>(_bounds);
            Close(bounds, x, y, c);
            Close(bounds, Not(y), Not(x), c);
        }
        if (bounds is null && sum is null) return this;
        return new(bounds ?? _bounds, sum is { } s ? [.. _sums, s] : _sums);
    }

    private static long? Find(Dictionary<long, long> bounds, int x, int y) => bounds.TryGetValue(Key(x, y), out long c) ? c : null;

    /// <summary>Adds x - y &lt;= c to closed bounds and every path through it, keeping them closed.</summary>
    private static void Close(Dictionary<long, long> bounds, int x, int y, long c)
    {
        if (bounds.TryGetValue(Key(x, y), out long old) && old <= c) return;
        // The paths' ends are copied out first: tightening adds to the bounds being read.
        int capacity = bounds.Count + 1;
        Span<(int Node, long C)> into = capacity <= 128 ? stackalloc (int, long)[capacity] : new (int, long)[capacity];
        Span<(int Node, long C)> from = capacity <= 128 ? stackalloc (int, long)[capacity] : new (int, long)[capacity];
        int intoCount = 0, fromCount = 0;
        into[intoCount++] = (x, 0);
        from[fromCount++] = (y, 0);
        foreach (var (key, b) in bounds)
        {
            var (u, v) = Nodes(key);
            if (v == x) into[intoCount++] = (u, b);
            if (u == y) from[fromCount++] = (v, b);
        }
        foreach (var (u, a) in into[..intoCount])
            foreach (var (v, b) in from[..fromCount])
                if (u != v) Tighten(bounds, u, v, (Int128)a + c + b);
    }

    private static void Tighten(Dictionary<long, long> bounds, int x, int y, Int128 c)
    {
        if (c <= -Limit || c >= Limit) return;
        if (!bounds.TryGetValue(Key(x, y), out long old) || c < old) bounds[Key(x, y)] = (long)c;
    }

    /// <summary>The closed zone of <paramref name="bounds"/> (x, y, c: node x - node y &lt;= c) and their twins: the tightest, then every path through them.</summary>
    public static Zone Closed(IReadOnlyList<(int X, int Y, long C)> bounds)
    {
        if (bounds.Count == 0) return Empty;
        var closed = new Dictionary<long, long>();
        foreach (var (x, y, c) in bounds)
        {
            Tighten(closed, x, y, c);
            Tighten(closed, Not(y), Not(x), c);
        }
        var nodes = new List<int>(2 * closed.Count);
        foreach (long key in closed.Keys)
        {
            var (x, y) = Nodes(key);
            if (!nodes.Contains(x)) nodes.Add(x);
            if (!nodes.Contains(y)) nodes.Add(y);
        }
        // Floyd-Warshall over the few nodes the bounds name.
        foreach (int k in nodes)
            foreach (int u in nodes)
            {
                if (u == k || !closed.TryGetValue(Key(u, k), out long a)) continue;
                foreach (int v in nodes)
                    if (v != k && v != u && closed.TryGetValue(Key(k, v), out long b)) Tighten(closed, u, v, (Int128)a + b);
            }
        return new(closed, []);
    }

    /// <summary>The sum facts whose result is group <paramref name="id"/>.</summary>
    public IEnumerable<SumFact> SumsOf(int id)
    {
        foreach (var sum in _sums)
            if (sum.Result == id) yield return sum;
    }

    /// <summary>This zone without bounds or sums on <paramref name="id"/>: its group got a new base.</summary>
    public Zone Without(int id)
    {
        // Loops rather than LINQ: every new id asks, and most zones hold nothing on it.
        bool sums = false, bounds = false;
        foreach (var sum in _sums) sums |= sum.Names(id);
        foreach (long key in _bounds.Keys) bounds |= Touches(key, id);
        if (!sums && !bounds) return this;
        return new(bounds ? _bounds.Where(b => !Touches(b.Key, id)).ToDictionary() : _bounds,
            sums ? [.. _sums.Where(s => !s.Names(id))] : _sums);
    }

    private static bool Touches(long key, int id) => IdOf(Nodes(key).X) == id || IdOf(Nodes(key).Y) == id;

    public bool SameAs(Zone other) =>
        ReferenceEquals(this, other) || (_bounds.Count == other._bounds.Count && _sums.AsSpan().SequenceEqual(other._sums)
            && _bounds.All(b => other._bounds.TryGetValue(b.Key, out long c) && c == b.Value));
}

/// <summary>
/// N(<see cref="Result"/>) = node <see cref="X"/> + node <see cref="Y"/> + <see cref="C"/>: the group of an
/// addition's result (`i + 2 + size`) and the operands' nodes. Bounds on the result, once a comparison
/// finds them, bound the sum of the operands (`i + size &lt;= len - 2`), which an access at `i + 2 + k` for
/// `k &lt; size` needs. A join keeps none: they matter between an addition and the test that follows it.
/// </summary>
internal readonly record struct SumFact(int Result, int X, int Y, long C)
{
    public bool Names(int id) => Result == id || Zone.IdOf(X) == id || Zone.IdOf(Y) == id;
}
