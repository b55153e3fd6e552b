namespace Firmware.Verifier.Domains;

/// <summary>
/// Links after a join. Two values of a frame (registers or spilled slots) that differ by the same
/// constant on both sides stay linked, even when the sides linked them differently (constants 0 and 0
/// before a loop, copies inside it; `i` in a register and `i + 8` spilled): without this a loop head
/// would forget that `i`, its copies and its spills move together, and a check on one would not bound
/// the others.
/// </summary>
internal static class Links
{
    /// <summary>Ids given by joins: this base, plus the frame's depth times <see cref="Frame.Variables"/>, plus the group's first variable.</summary>
    private const int JoinIdBase = 1 << 28;

    public static void Relink(Frame joined, Frame a, Frame b, int depth)
    {
        int idBase = JoinIdBase + depth * Frame.Variables;
        Span<bool> grouped = stackalloc bool[Frame.Variables];
        for (int first = 0; first < Frame.Variables; first++)
        {
            var head = joined.Variable(first);
            if (grouped[first] || !Relinkable(head)) continue;
            if (head.Id >= JoinIdBase) joined.SetVariable(first, head = head with { Id = 0, Delta = 0 });
            var aFirst = a.Variable(first);
            var bFirst = b.Variable(first);
            for (int other = first + 1; other < Frame.Variables; other++)
            {
                if (grouped[other] || !Relinkable(joined.Variable(other))) continue;
                if (Difference(a.Variable(other), aFirst) is not long d || Difference(b.Variable(other), bFirst) != d) continue;
                int id = idBase + first;
                if (head.Id != id) joined.SetVariable(first, head = head with { Id = id, Delta = 0 });
                joined.SetVariable(other, joined.Variable(other) with { Id = id, Delta = d });
                grouped[other] = true;
            }
        }
    }

    private static bool Relinkable(RegisterValue v) => v.IsLinkable && v.Id != AbstractState.BufferLengthId;

    /// <summary>x - y when it is the same on every path this state covers.</summary>
    private static long? Difference(RegisterValue x, RegisterValue y)
    {
        if (x.Kind != y.Kind || x.Region != y.Region || !x.IsLinkable) return null;
        if (x.Id != 0 && x.Id == y.Id) return x.Delta - y.Delta;
        if (x.Value.IsConst && y.Value.IsConst) return (long)(x.Value.UMin - y.Value.UMin);
        return null;
    }
}
