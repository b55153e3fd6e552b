namespace Firmware.Verifier.Domains;

/// <summary>
/// The machine state at one instruction of one call chain: the frames (outermost first), what is
/// known of the hook buffer's length, and the zone: bounds on differences between the link groups of
/// all frames (see <see cref="Differences"/>).
/// </summary>
internal sealed class AbstractState(List<Frame> frames, Scalar bufferLength, Zone zone)
{
    /// <summary>Id shared by all copies of the buffer length argument.</summary>
    public const int BufferLengthId = -1;

    public List<Frame> Frames { get; } = frames;
    public Scalar BufferLength { get; set; } = bufferLength;
    public Zone Zone { get; set; } = zone;

    /// <summary>The iterations this state stands for (<see cref="Transfer.Partitions"/>); 0 for all.</summary>
    public int Partition { get; set; }

    public Frame Current => Frames[^1];
    public int Depth => Frames.Count - 1;
    public RegisterValue[] Registers => Current.Registers;

    public AbstractState Clone()
    {
        // A loop rather than LINQ: every block and every taken branch copies its state.
        var frames = new List<Frame>(Frames.Count);
        foreach (var frame in Frames) frames.Add(frame.Clone());
        return new(frames, BufferLength, Zone) { Partition = Partition };
    }

    public AbstractState Join(AbstractState other, Thresholds? widen)
    {
        var frames = new List<Frame>(Frames.Count);
        for (int i = 0; i < Frames.Count; i++)
            frames.Add(Frames[i].Join(other.Frames[i], widen, i));
        var length = BufferLength.Join(other.BufferLength);
        var joined = new AbstractState(frames, widen is null ? length : BufferLength.Widen(length, widen), Zone.Empty) { Partition = Partition };
        joined.Zone = Differences.Join(joined, this, other, widen is not null);
        return joined;
    }

    public bool SameAs(AbstractState other)
    {
        if (BufferLength != other.BufferLength || !Zone.SameAs(other.Zone)) return false;
        for (int i = 0; i < Frames.Count; i++)
            if (!Frames[i].SameAs(other.Frames[i])) return false;
        return true;
    }

    /// <summary>Applies <paramref name="update"/> to every register and spill of every frame (id propagation).</summary>
    public void UpdateAll(Func<RegisterValue, RegisterValue> update)
    {
        foreach (var frame in Frames) frame.UpdateAll(update);
    }

    public override string ToString()
    {
        var regs = Registers.Select((v, i) => (v, i)).Where(x => x.v.IsInitialized || x.v.Kind == ValueKind.Conflict)
            .Select(x => $"r{x.i}={x.v}");
        return string.Join(' ', regs) + (Frames.Count > 1 ? $" (call depth {Depth})" : "");
    }
}
