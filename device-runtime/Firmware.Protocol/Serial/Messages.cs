using Firmware.Protocol.Fleet;

namespace Firmware.Protocol.Serial;

/// <summary>
/// A decoded frame payload. Each record's layout (little-endian, fixed fields first) is in
/// docs/serial-protocol.md; <see cref="Parse"/> and <see cref="ToFrame"/> are the only code that knows it.
/// </summary>
public abstract record Message
{
    /// <summary>The protocol version Hello and Identify carry.</summary>
    public const byte ProtocolVersion = 1;

    public const int Sha256Bytes = 32;

    public abstract MessageKind Kind { get; }

    public Frame ToFrame(ushort sequence) => new(Kind, sequence, Write(new WireWriter()).ToArray());

    private protected abstract WireWriter Write(WireWriter w);

    /// <summary>Reads a frame's payload; throws <see cref="MessageFormatException"/> when it does not fit the kind.</summary>
    public static Message Parse(Frame frame)
    {
        var r = new WireReader(frame.Payload.Span, frame.Kind);
        Message message = frame.Kind switch
        {
            MessageKind.Hello => new Hello(r.U8()),
            MessageKind.Identify => new Identify(r.U8(), r.U16(), r.U32(), r.ShortString(), r.ShortString()),
            MessageKind.Begin => new UploadBegin(r.U32(), r.U32(), r.Bytes(Sha256Bytes).ToArray()),
            MessageKind.Data => new UploadData(r.U32(), r.U32(), r.Rest().ToArray()),
            MessageKind.Commit => new UploadCommit(r.U32()),
            MessageKind.Query => new UploadQuery(r.U32()),
            MessageKind.Ack => new UploadAck(r.U32(), r.U32()),
            MessageKind.Status => new UploadStatus(r.U32(), (StatusCode)r.U8(), r.RestAsString()),
            MessageKind.ReadCounters => new ReadCounters(),
            MessageKind.Counters => new Counters(ReadCounterList(ref r)),
            MessageKind.ReadContainer => new ReadContainer(r.U16()),
            MessageKind.ContainerEntry => ContainerEntry.Read(ref r),
            _ => throw new MessageFormatException($"kind 0x{(byte)frame.Kind:x2} has no payload layout"),
        };
        r.End();
        return message;
    }

    private static List<Counter> ReadCounterList(ref WireReader r)
    {
        var counters = new List<Counter>();
        while (!r.AtEnd)
            counters.Add(new Counter(r.ShortString(), r.I64()));
        return counters;
    }
}

/// <summary>Host to device: opens a conversation. Answered by <see cref="Identify"/>.</summary>
public sealed record Hello(byte Version) : Message
{
    public override MessageKind Kind => MessageKind.Hello;
    private protected override WireWriter Write(WireWriter w) => w.U8(Version);
}

/// <summary>Device to host: who the device is and what it accepts (the largest Data payload, the largest package).</summary>
public sealed record Identify(byte Version, ushort MaxPayload, uint MaxPackageBytes, string DeviceId, string Board) : Message
{
    public override MessageKind Kind => MessageKind.Identify;
    private protected override WireWriter Write(WireWriter w) =>
        w.U8(Version).U16(MaxPayload).U32(MaxPackageBytes).ShortString(DeviceId).ShortString(Board);
}

/// <summary>Host to device: starts (or, with the same id, re-announces) an upload. Answered by Ack or Status.</summary>
public sealed record UploadBegin(uint UploadId, uint TotalSize, byte[] Sha256) : Message
{
    public override MessageKind Kind => MessageKind.Begin;
    private protected override WireWriter Write(WireWriter w) => w.U32(UploadId).U32(TotalSize).Bytes(Sha256);
}

/// <summary>Host to device: package bytes at an offset. Answered by Ack with the next offset the device expects.</summary>
public sealed record UploadData(uint UploadId, uint Offset, ReadOnlyMemory<byte> Bytes) : Message
{
    /// <summary>Upload id and offset.</summary>
    public const int HeaderBytes = 8;

    public override MessageKind Kind => MessageKind.Data;
    private protected override WireWriter Write(WireWriter w) => w.U32(UploadId).U32(Offset).Bytes(Bytes.Span);
}

/// <summary>Host to device: all bytes are sent; check and apply. Answered by Status (stored, so a re-sent Commit gets the same answer).</summary>
public sealed record UploadCommit(uint UploadId) : Message
{
    public override MessageKind Kind => MessageKind.Commit;
    private protected override WireWriter Write(WireWriter w) => w.U32(UploadId);
}

/// <summary>Host to device, after a reconnect: where does this upload stand? Answered by Ack, or Status (finished or unknown).</summary>
public sealed record UploadQuery(uint UploadId) : Message
{
    public override MessageKind Kind => MessageKind.Query;
    private protected override WireWriter Write(WireWriter w) => w.U32(UploadId);
}

/// <summary>Device to host: every byte before NextOffset is stored.</summary>
public sealed record UploadAck(uint UploadId, uint NextOffset) : Message
{
    public override MessageKind Kind => MessageKind.Ack;
    private protected override WireWriter Write(WireWriter w) => w.U32(UploadId).U32(NextOffset);
}

/// <summary>Device to host: the outcome of an upload, or why a request was refused.</summary>
public sealed record UploadStatus(uint UploadId, StatusCode Code, string Reason) : Message
{
    public override MessageKind Kind => MessageKind.Status;
    private protected override WireWriter Write(WireWriter w) => w.U32(UploadId).U8((byte)Code).RestString(Reason);
}

/// <summary>Host to device: what has the device counted? Answered by <see cref="Counters"/>.</summary>
public sealed record ReadCounters : Message
{
    public override MessageKind Kind => MessageKind.ReadCounters;
    private protected override WireWriter Write(WireWriter w) => w;
}

/// <summary>One named count a device keeps (firmware and patch statistics).</summary>
public readonly record struct Counter(string Name, long Value);

/// <summary>Device to host: its counters, in the device's own order, each once.</summary>
public sealed record Counters(IReadOnlyList<Counter> Values) : Message
{
    public override MessageKind Kind => MessageKind.Counters;

    public long this[string name] => Values.FirstOrDefault(c => c.Name == name) is { Name: not null } found
        ? found.Value
        : throw new KeyNotFoundException($"the device reports no counter '{name}'");

    private protected override WireWriter Write(WireWriter w)
    {
        foreach (var counter in Values) w.ShortString(counter.Name).I64(counter.Value);
        return w;
    }
}

/// <summary>Host to device: the container at <see cref="Index"/> in the device's list. Answered by <see cref="ContainerEntry"/>.</summary>
public sealed record ReadContainer(ushort Index) : Message
{
    public override MessageKind Kind => MessageKind.ReadContainer;
    private protected override WireWriter Write(WireWriter w) => w.U16(Index);
}

/// <summary>
/// Device to host: how many containers it has and the one asked for, with the counters the fleet's
/// status carries (<see cref="ContainerStateReport"/>); no report when the index is past the end.
/// The last fault is cut to fit the frame.
/// </summary>
public sealed record ContainerEntry(ushort Index, ushort Total, ContainerStateReport? Report) : Message
{
    public override MessageKind Kind => MessageKind.ContainerEntry;

    private protected override WireWriter Write(WireWriter w)
    {
        w.U16(Index).U16(Total);
        if (Report is not { } c) return w;
        return w.ShortString(c.Name).I64((long)c.Sequence).ShortString(c.State).I64(c.Runs).I64(c.Faults).I64(c.BudgetHits).I64(c.Throttled)
            .I64(c.MeanNs).I64(c.MaxNs).I64(c.Published).I64(c.Dropped).RestString(c.LastFault ?? "");
    }

    internal static ContainerEntry Read(ref WireReader r)
    {
        ushort index = r.U16(), total = r.U16();
        if (r.AtEnd) return new ContainerEntry(index, total, null);
        var report = new ContainerStateReport(r.ShortString(), (ulong)r.I64(), r.ShortString(), r.I64(), r.I64(), r.I64(), r.I64(), r.I64(), r.I64(), r.I64(), r.I64(),
            r.RestAsString() is { Length: > 0 } fault ? fault : null);
        return new ContainerEntry(index, total, report);
    }
}
