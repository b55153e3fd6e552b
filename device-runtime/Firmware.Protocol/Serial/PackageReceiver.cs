using Firmware.Protocol.Fleet;

namespace Firmware.Protocol.Serial;

/// <summary>
/// The device side of the serial link: answers Hello, Begin, Data, Query and Commit, reassembles the
/// package in order, checks its size and SHA-256, and calls the handler exactly once per upload id.
/// <para>
/// Usage (fwagent --serial): create one receiver for the device's lifetime with the device's id and board
/// and a handler that checks and installs a package (e.g. <c>PackageReader.Check</c> with the device
/// policy, then install), returning <see cref="ApplyResult"/> with Applied and a reason. Call
/// <see cref="RunAsync"/> with an open port's stream; it returns when the stream ends or fails (a
/// <see cref="LinkException"/> is swallowed into the return: reopen the port and call it again, the
/// upload in progress and the remembered results survive) and throws only
/// <see cref="OperationCanceledException"/> when the token is cancelled. One RunAsync at a time: the
/// receiver is one device's single conversation, not thread-safe.
/// </para>
/// <para>
/// A Commit whose upload already finished is answered with the stored result and does not call the
/// handler again. The handler runs on the receiver's loop: frames that arrive meanwhile wait, and the
/// host keeps re-sending its Commit until the answer comes. Handler exceptions become a Rejected result.
/// </para>
/// </summary>
/// <param name="options">The device's id, board and limits.</param>
/// <param name="apply">Checks and acts on an uploaded package or command.</param>
/// <param name="containers">The device's containers, for ReadContainer (none when null).</param>
public sealed class PackageReceiver(ReceiverOptions options, Func<byte[], CancellationToken, Task<ApplyResult>> apply,
    Func<IReadOnlyList<ContainerStateReport>>? containers = null)
{
    private readonly Dictionary<uint, UploadStatus> _results = [];
    private readonly Queue<uint> _resultOrder = new();
    private UploadSession? _session;

    /// <summary>Counters over every connection this receiver served.</summary>
    public LinkStats Stats { get; } = new();

    /// <summary>Serves one connection until its stream ends or fails; returns why it ended.</summary>
    public async Task<LinkException> RunAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var link = new SerialLink(stream, Stats);
        try
        {
            while (true)
            {
                var (request, sequence) = (await link.ReceiveAsync(Timeout.InfiniteTimeSpan, cancellationToken))!.Value;
                if (await AnswerAsync(request, cancellationToken) is { } reply)
                    await link.SendAsync(reply, sequence, cancellationToken);
            }
        }
        catch (LinkException e)
        {
            return e;
        }
    }

    private async Task<Message?> AnswerAsync(Message request, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case Hello:
                return new Identify(Message.ProtocolVersion, (ushort)Math.Min(options.MaxPayload, FrameCodec.MaxPayload),
                    (uint)options.MaxPackageBytes, options.DeviceId, options.Board);
            case UploadBegin begin:
                return Begin(begin);
            case UploadData data:
                return Store(data);
            case UploadQuery query:
                return Stored(query.UploadId) ?? Position(query.UploadId);
            case UploadCommit commit:
                return await CommitAsync(commit.UploadId, cancellationToken);
            case ReadCounters:
                return new Counters([]); // this receiver keeps no firmware counters
            case ReadContainer read:
                var list = containers?.Invoke() ?? [];
                return new ContainerEntry(read.Index, (ushort)Math.Min(list.Count, ushort.MaxValue), read.Index < list.Count ? list[read.Index] : null);
            default:
                Stats.StaleFrame();
                return null;
        }
    }

    private Message Begin(UploadBegin begin)
    {
        if (Stored(begin.UploadId) is { } done)
            return done;
        if (_session is { } current && current.Begin.UploadId == begin.UploadId)
            return current.SameUpload(begin)
                ? Ack(current)
                : new UploadStatus(begin.UploadId, StatusCode.BadRequest, "upload id already used for a different package");
        if (begin.TotalSize == 0)
            return new UploadStatus(begin.UploadId, StatusCode.BadRequest, "empty upload");
        if (begin.TotalSize > options.MaxPackageBytes)
            return new UploadStatus(begin.UploadId, StatusCode.TooLarge, $"{begin.TotalSize} bytes; this device takes at most {options.MaxPackageBytes}");
        // One upload at a time, as on a microcontroller with one buffer: a new one replaces any unfinished one.
        _session = new UploadSession(begin);
        return Ack(_session);
    }

    private Message Store(UploadData data)
    {
        if (_session is not { } session || session.Begin.UploadId != data.UploadId)
            return Stored(data.UploadId) ?? Unknown(data.UploadId);
        if (session.Overruns(data))
            return new UploadStatus(data.UploadId, StatusCode.BadRequest, $"data at {data.Offset}+{data.Bytes.Length} runs past the announced {session.Begin.TotalSize} bytes");
        if (!session.Store(data))
            Stats.Duplicate();
        return Ack(session);
    }

    private async Task<Message> CommitAsync(uint uploadId, CancellationToken cancellationToken)
    {
        if (Stored(uploadId) is { } done)
        {
            Stats.Duplicate();
            return done;
        }
        if (_session is not { } session || session.Begin.UploadId != uploadId)
            return Unknown(uploadId);
        if (!session.Complete)
            return new UploadStatus(uploadId, StatusCode.Incomplete, $"have {session.NextOffset} of {session.Begin.TotalSize} bytes");
        _session = null;
        var status = session.DigestMatches()
            ? await ApplyAsync(uploadId, session.Package, cancellationToken)
            : new UploadStatus(uploadId, StatusCode.DigestMismatch, "the received bytes do not match the announced SHA-256");
        Remember(status);
        return status;
    }

    private async Task<UploadStatus> ApplyAsync(uint uploadId, byte[] package, CancellationToken cancellationToken)
    {
        try
        {
            var result = await apply(package, cancellationToken);
            return new UploadStatus(uploadId, result.Applied ? StatusCode.Applied : StatusCode.Rejected, result.Reason);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new UploadStatus(uploadId, StatusCode.Rejected, $"the handler failed: {e.Message}");
        }
    }

    private void Remember(UploadStatus status)
    {
        _results[status.UploadId] = status;
        _resultOrder.Enqueue(status.UploadId);
        while (_resultOrder.Count > options.RememberedResults)
            _results.Remove(_resultOrder.Dequeue());
    }

    private UploadStatus? Stored(uint uploadId) => _results.GetValueOrDefault(uploadId);

    private Message Position(uint uploadId) => _session is { } session && session.Begin.UploadId == uploadId ? Ack(session) : Unknown(uploadId);

    private static UploadAck Ack(UploadSession session) => new(session.Begin.UploadId, session.NextOffset);

    private static UploadStatus Unknown(uint uploadId) => new(uploadId, StatusCode.UnknownUpload, $"no upload {uploadId:x8} on this device");
}
