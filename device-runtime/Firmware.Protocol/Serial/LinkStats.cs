namespace Firmware.Protocol.Serial;

/// <summary>
/// What a link saw, for reports and tests. One instance may span several connections (an uploader
/// keeps its counters across reconnects). Counters are updated from the reading and the sending side.
/// </summary>
public sealed class LinkStats
{
    private long _sent, _received, _retransmissions, _stale, _duplicates, _malformed, _overflow;
    private long _overlong, _badEncoding, _truncated, _badCrc, _unknownKind;

    public long FramesSent => Interlocked.Read(ref _sent);
    public long FramesReceived => Interlocked.Read(ref _received);
    /// <summary>Requests sent again because no answer came in time (or the device reported a gap).</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);
    /// <summary>Good frames nobody was waiting for: a late reply to a request already answered or abandoned.</summary>
    public long Stale => Interlocked.Read(ref _stale);
    /// <summary>Requests that repeated one already handled (data before the next expected offset, a re-sent commit).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    /// <summary>Good CRC, but the payload does not fit its kind.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);
    /// <summary>Frames dropped because the consumer fell too far behind.</summary>
    public long Overflow => Interlocked.Read(ref _overflow);
    public long Overlong => Interlocked.Read(ref _overlong);
    public long BadEncoding => Interlocked.Read(ref _badEncoding);
    public long Truncated => Interlocked.Read(ref _truncated);
    public long BadCrc => Interlocked.Read(ref _badCrc);
    public long UnknownKind => Interlocked.Read(ref _unknownKind);

    /// <summary>Every received frame that was thrown away as bad.</summary>
    public long Dropped => Overlong + BadEncoding + Truncated + BadCrc + UnknownKind + Malformed + Overflow;

    internal void Sent() => Interlocked.Increment(ref _sent);
    internal void Received() => Interlocked.Increment(ref _received);
    internal void Retransmitted() => Interlocked.Increment(ref _retransmissions);
    internal void StaleFrame() => Interlocked.Increment(ref _stale);
    internal void Duplicate() => Interlocked.Increment(ref _duplicates);
    internal void MalformedFrame() => Interlocked.Increment(ref _malformed);
    internal void OverflowFrame() => Interlocked.Increment(ref _overflow);

    internal void Bad(FrameError error)
    {
        switch (error)
        {
            case FrameError.Overlong: Interlocked.Increment(ref _overlong); break;
            case FrameError.BadEncoding: Interlocked.Increment(ref _badEncoding); break;
            case FrameError.Truncated: Interlocked.Increment(ref _truncated); break;
            case FrameError.BadCrc: Interlocked.Increment(ref _badCrc); break;
            case FrameError.UnknownKind: Interlocked.Increment(ref _unknownKind); break;
            default: throw new ArgumentOutOfRangeException(nameof(error));
        }
    }

    public override string ToString() =>
        $"sent {FramesSent}, received {FramesReceived}, retransmitted {Retransmissions}, dropped {Dropped} " +
        $"(crc {BadCrc}, truncated {Truncated}, overlong {Overlong}, encoding {BadEncoding}, unknown kind {UnknownKind}, " +
        $"malformed {Malformed}, overflow {Overflow}), stale {Stale}, duplicates {Duplicates}";
}
