namespace Firmware.Protocol.Serial;

/// <summary>
/// Go-back-N over Data frames: up to <see cref="UploaderOptions.Window"/> frames in flight, each answered by
/// an Ack with the device's next expected offset. An Ack below the end of the frame it answers means the
/// device saw a gap (an earlier frame was lost) and everything from the acknowledged offset is sent again;
/// so is everything in flight when no answer comes within the frame timeout. A late Ack still moves the
/// acknowledged offset (Acks are cumulative), so a slow device is not mistaken for a dead one. The device
/// needs one buffer and one counter for this: it stores only in-order bytes.
/// </summary>
internal sealed class DataWindow(SerialLink link, uint uploadId, byte[] package, int chunk, UploaderOptions options, Action<long> progress)
{
    private readonly List<(ushort Sequence, uint Offset, uint End)> _inFlight = [];

    /// <summary>Sends everything from <paramref name="acked"/>; null when the device acknowledged it all, else the Status it answered with.</summary>
    public async Task<UploadStatus?> SendFromAsync(uint acked, CancellationToken cancellationToken)
    {
        uint total = (uint)package.Length;
        uint next = acked;
        uint highestSent = acked;
        int fruitless = 0;
        var deadline = DateTime.UtcNow + options.FrameTimeout;
        _inFlight.Clear();
        progress(acked);
        while (acked < total)
        {
            while (_inFlight.Count < options.Window && next < total)
            {
                if (_inFlight.Count == 0)
                    deadline = DateTime.UtcNow + options.FrameTimeout;
                uint end = Math.Min(next + (uint)chunk, total);
                ushort sequence = link.NextSequence();
                if (next < highestSent)
                    link.Stats.Retransmitted();
                await link.SendAsync(new UploadData(uploadId, next, package.AsMemory((int)next, (int)(end - next))), sequence, cancellationToken);
                _inFlight.Add((sequence, next, end));
                highestSent = Math.Max(highestSent, end);
                next = end;
            }
            var received = await link.ReceiveAsync(deadline - DateTime.UtcNow, cancellationToken);
            if (received is not { } got)
            {
                if (++fruitless == options.Attempts)
                    throw new LinkException($"no Ack for data at offset {acked} of {total} after {fruitless} attempts {options.FrameTimeout.TotalMilliseconds:0} ms apart");
                next = GoBack(acked);
                continue;
            }
            var (reply, replySequence) = got;
            int answered = _inFlight.FindIndex(f => f.Sequence == replySequence);
            if (reply is UploadStatus status && status.UploadId == uploadId && answered >= 0)
                return status;
            if (reply is not UploadAck ack || ack.UploadId != uploadId)
            {
                link.Stats.StaleFrame();
                continue;
            }
            // Acks are cumulative: even a late one, whose frame was already given up on, says what the device holds.
            if (ack.NextOffset > acked)
            {
                acked = Math.Min(ack.NextOffset, total);
                fruitless = 0;
                deadline = DateTime.UtcNow + options.FrameTimeout;
                progress(acked);
            }
            if (answered < 0)
                link.Stats.StaleFrame();
            else
            {
                var frame = _inFlight[answered];
                // Replies come in order, so frames before the answered one were either answered or lost.
                _inFlight.RemoveRange(0, answered + 1);
                deadline = DateTime.UtcNow + options.FrameTimeout;
                if (ack.NextOffset < frame.End)
                {
                    if (++fruitless == options.Attempts)
                        throw new LinkException($"device keeps reporting a gap at offset {acked} of {total}");
                    next = GoBack(acked);
                }
            }
            _inFlight.RemoveAll(f => f.End <= acked);
            next = Math.Max(next, acked);
        }
        return null;
    }

    private uint GoBack(uint acked)
    {
        _inFlight.Clear();
        return acked;
    }
}
