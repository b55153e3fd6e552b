namespace Firmware.Verifier.Domains;

/// <summary>
/// Links after a join. Two values of a frame (registers, spilled slots, the end of a filled stack run) that differ by the same
/// constant on both sides stay linked, even when the sides linked them differently (constants 0 and 0
/// before a loop, copies inside it; `i` in a register and `i + 8` spilled): without this a loop head
/// would forget that `i`, its copies and its spills move together, and a check on one would not bound
/// the others.
/// </summary>
internal static class Links
{
    /// <summary>Ids given by joins: this base, plus the frame's depth times <see cref="Frame.Variables"/>, plus the group's first variable.</summary>
    private const int JoinIdBase = 1 << 28;

    /// <param name="a">The variables of one side (<see cref="Frame.Variable"/>), <paramref name="b"/> of the other.</param>
    public static void Relink(Frame joined, ReadOnlySpan<RegisterValue> a, ReadOnlySpan<RegisterValue> b, int depth)
    {
        int idBase = JoinIdBase + depth * Frame.Variables;
        Span<int> live = stackalloc int[Frame.Variables];
        int count = 0;
        for (int i = 0; i < Frame.Variables; i++)
            if (Relinkable(joined.Variable(i))) live[count++] = i;
        Span<bool> grouped = stackalloc bool[count];
        for (int f = 0; f < count; f++)
        {
            if (grouped[f]) continue;
            int first = live[f], id = idBase + first;
            var aFirst = a[first];
            var bFirst = b[first];
            bool heads = false;
            for (int o = f + 1; o < count; o++)
            {
                int other = live[o];
                if (grouped[o] || Difference(a[other], aFirst) is not long d || Difference(b[other], bFirst) != d) continue;
                Set(joined, other, joined.Variable(other) with { Id = id, Delta = d });
                grouped[o] = heads = true;
            }
            var head = joined.Variable(first);
            if (heads) Set(joined, first, head with { Id = id, Delta = 0 });
            else if (head.Id >= JoinIdBase) Set(joined, first, head with { Id = 0, Delta = 0 });
        }
    }

    /// <summary>Sets a variable only when it changes: setting a spill copies a stack the frame shares.</summary>
    private static void Set(Frame frame, int index, RegisterValue value)
    {
        if (frame.Variable(index) != value) frame.SetVariable(index, value);
    }

    /// <summary>
    /// Links the end of a filled stack run that <see cref="Relink"/> left unlinked. A run that reaches
    /// some end also reaches every smaller one, so each side's end may also be taken as the constant it
    /// surely reaches (its smallest value); the first variable that keeps the same distance to one of
    /// these on both sides becomes the end's link, and the end that distance from it.
    /// </summary>
    public static void LinkRunEnd(Frame joined, ReadOnlySpan<RegisterValue> a, ReadOnlySpan<RegisterValue> b, int depth)
    {
        int index = Frame.Variables - 1;
        ReadOnlySpan<RegisterValue> endsA = [a[index], AtLeast(a[index])], endsB = [b[index], AtLeast(b[index])];
        for (int other = 0; other < index; other++)
        {
            var partner = joined.Variable(other);
            if (!Relinkable(partner)) continue;
            foreach (var endA in endsA)
            {
                foreach (var endB in endsB)
                {
                    if (Difference(endA, a[other]) is not long d || Difference(endB, b[other]) != d) continue;
                    if (partner.Id == 0)
                    {
                        // Not in a group, so no group is named after it.
                        partner = partner with { Id = JoinIdBase + depth * Frame.Variables + other, Delta = 0 };
                        Set(joined, other, partner);
                    }
                    joined.SetVariable(index, endA.Join(endB) with { Id = partner.Id, Delta = partner.Delta + d });
                    return;
                }
            }
        }
    }

    private static RegisterValue AtLeast(RegisterValue end) => RegisterValue.Of(Scalar.Const(end.Value.SMin));

    private static bool Relinkable(RegisterValue v) => v.IsLinkable && v.Id != AbstractState.BufferLengthId;

    /// <summary>
    /// x - y when it is the same on every path this state covers. Links relate numbers: a pointer's offset
    /// may be linked to a scalar (a pointer walking a buffer in step with its index).
    /// </summary>
    private static long? Difference(RegisterValue x, RegisterValue y)
    {
        if (!x.IsLinkable || !y.IsLinkable) return null;
        if (x.Id != 0 && x.Id == y.Id) return x.Delta - y.Delta;
        if (x.Value.IsConst && y.Value.IsConst) return (long)(x.Value.UMin - y.Value.UMin);
        return null;
    }
}
