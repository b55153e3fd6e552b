namespace Firmware.Verifier.Domains;

/// <summary>One function activation: its registers, its stack and where it returns to.</summary>
internal sealed class Frame(RegisterValue[] registers, StackFrame stack, int returnPc)
{
    public RegisterValue[] Registers { get; } = registers;
    public StackFrame Stack { get; } = stack;
    /// <summary>The instruction after the call that created this frame; -1 for the program's entry.</summary>
    public int ReturnPc { get; } = returnPc;

    public Frame Clone() => new((RegisterValue[])Registers.Clone(), Stack.Clone(), ReturnPc);

    /// <param name="depth">This frame's call depth: ids a join creates are per frame, so they must differ between frames.</param>
    public Frame Join(Frame other, Thresholds? widen, int depth)
    {
        var registers = new RegisterValue[Registers.Length];
        for (int i = 0; i < registers.Length; i++)
            registers[i] = widen is null ? Registers[i].Join(other.Registers[i]) : Registers[i].Widen(other.Registers[i], widen);
        Relink(registers, Registers, other.Registers, JoinIdBase + depth * registers.Length);
        return new(registers, Stack.Join(other.Stack, widen), ReturnPc);
    }

    /// <summary>Ids given by joins: this base, plus the frame's depth times 11, plus the group's lowest register number.</summary>
    private const int JoinIdBase = 1 << 28;

    /// <summary>
    /// Registers that differ by the same constant on both sides stay linked after the join, even when
    /// the sides linked them differently (constants 0 and 0 before a loop, copies inside it): without
    /// this a loop head would forget that `i` and its copy move together.
    /// </summary>
    private static void Relink(RegisterValue[] joined, RegisterValue[] a, RegisterValue[] b, int idBase)
    {
        var grouped = new bool[joined.Length];
        for (int first = 0; first < joined.Length; first++)
        {
            if (grouped[first] || !joined[first].IsLinkable || joined[first].Id == AbstractState.BufferLengthId) continue;
            if (joined[first].Id >= JoinIdBase) joined[first] = joined[first] with { Id = 0, Delta = 0 };
            for (int other = first + 1; other < joined.Length; other++)
            {
                if (grouped[other] || !joined[other].IsLinkable || joined[other].Id == AbstractState.BufferLengthId) continue;
                if (Difference(a[other], a[first]) is not long d || Difference(b[other], b[first]) != d) continue;
                int id = idBase + first;
                joined[first] = joined[first] with { Id = id, Delta = 0 };
                joined[other] = joined[other] with { Id = id, Delta = d };
                grouped[other] = true;
            }
        }
    }

    /// <summary>x - y when it is the same on every path this state covers.</summary>
    private static long? Difference(RegisterValue x, RegisterValue y)
    {
        if (x.Kind != y.Kind || x.Region != y.Region || !x.IsLinkable) return null;
        if (x.Id != 0 && x.Id == y.Id) return x.Delta - y.Delta;
        if (x.Value.IsConst && y.Value.IsConst) return (long)(x.Value.UMin - y.Value.UMin);
        return null;
    }

    public bool SameAs(Frame other) => Registers.AsSpan().SequenceEqual(other.Registers) && Stack.SameAs(other.Stack);
}
