namespace Firmware.Verifier.Domains;

/// <summary>
/// Difference bounds between link groups (a zone, as PREVAIL keeps one): N(x) - N(y) &lt;= c, where N(g)
/// is the base of link group g as an integer (see <see cref="Differences"/> for what that means modulo
/// 2^64). Links are the zone's equalities: every member of a group is its base plus a delta, so one bound
/// between two groups relates all their members. Sparse, kept closed (every bound a path of bounds implies
/// is stored), and immutable: states share a zone until one of them learns something.
/// </summary>
internal sealed class Zone
{
    public static readonly Zone Empty = new([]);

    /// <summary>Bounds this large are dropped, so that adding two never overflows.</summary>
    private const long Limit = 1L << 62;

    private readonly Dictionary<(int X, int Y), long> _bounds;

    private Zone(Dictionary<(int X, int Y), long> bounds) => _bounds = bounds;

    public int Count => _bounds.Count;

    /// <summary>The c of N(x) - N(y) &lt;= c, if one is known.</summary>
    public long? Bound(int x, int y) => _bounds.TryGetValue((x, y), out long c) ? c : null;

    /// <summary>
    /// This zone and N(x) - N(y) &lt;= c, closed: the bound joins every path through it (u to x, then
    /// y to v). Returns this zone when it already implies the bound.
    /// </summary>
    public Zone With(int x, int y, long c)
    {
        if (x == y || c is <= -Limit or >= Limit || Bound(x, y) <= c) return this;
        var bounds = new Dictionary<(int, int), long>(_bounds);
        var into = new List<(int Node, long C)> { (x, 0) };
        var from = new List<(int Node, long C)> { (y, 0) };
        foreach (var ((u, v), b) in _bounds)
        {
            if (v == x) into.Add((u, b));
            if (u == y) from.Add((v, b));
        }
        foreach (var (u, a) in into)
            foreach (var (v, b) in from)
                if (u != v) Tighten(bounds, u, v, (Int128)a + c + b);
        return new(bounds);
    }

    private static void Tighten(Dictionary<(int, int), long> bounds, int x, int y, Int128 c)
    {
        if (c <= -Limit || c >= Limit) return;
        if (!bounds.TryGetValue((x, y), out long old) || c < old) bounds[(x, y)] = (long)c;
    }

    /// <summary>The closed zone of <paramref name="bounds"/> (x, y, c: N(x) - N(y) &lt;= c): the tightest, then every path through them.</summary>
    public static Zone Closed(IReadOnlyList<(int X, int Y, long C)> bounds)
    {
        if (bounds.Count == 0) return Empty;
        var closed = new Dictionary<(int, int), long>();
        foreach (var (x, y, c) in bounds) Tighten(closed, x, y, c);
        var nodes = bounds.SelectMany(b => (int[])[b.X, b.Y]).Distinct().ToArray();
        // Floyd-Warshall over the few nodes the bounds name.
        foreach (int k in nodes)
            foreach (int u in nodes)
            {
                if (u == k || !closed.TryGetValue((u, k), out long a)) continue;
                foreach (int v in nodes)
                    if (v != k && v != u && closed.TryGetValue((k, v), out long b)) Tighten(closed, u, v, (Int128)a + b);
            }
        return new(closed);
    }

    /// <summary>This zone without bounds on <paramref name="id"/>: its group got a new base.</summary>
    public Zone Without(int id)
    {
        if (!_bounds.Keys.Any(k => k.X == id || k.Y == id)) return this;
        return new(_bounds.Where(b => b.Key.X != id && b.Key.Y != id).ToDictionary());
    }

    public bool SameAs(Zone other) =>
        ReferenceEquals(this, other) || (_bounds.Count == other._bounds.Count && _bounds.All(b => other.Bound(b.Key.X, b.Key.Y) == b.Value));
}
