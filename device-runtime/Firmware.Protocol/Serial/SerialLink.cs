using System.Threading.Channels;

namespace Firmware.Protocol.Serial;

/// <summary>
/// Frames over any <see cref="Stream"/> (a serial port, a pipe, a test fault injector). A background
/// reader splits the incoming bytes into frames, drops and counts bad ones, and queues good ones;
/// <see cref="RequestAsync"/> adds sequence numbers, retransmission on timeout and stale-reply filtering.
/// The stream stays the caller's: dispose the link, then the stream.
/// </summary>
public sealed class SerialLink : IAsyncDisposable
{
    /// <summary>Frames waiting for the consumer; beyond this the oldest are dropped (and counted).</summary>
    private const int QueueCapacity = 256;

    private readonly Stream _stream;
    private readonly Channel<Frame> _received;
    private readonly CancellationTokenSource _stop = new();
    /// <summary>Cancelled when the reader ends: a serial port that failed may never complete a write.</summary>
    private readonly CancellationTokenSource _broken = new();
    private LinkException? _failure;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Task _reader;
    private int _sequence;

    public SerialLink(Stream stream, LinkStats? stats = null)
    {
        _stream = stream;
        Stats = stats ?? new LinkStats();
        _received = Channel.CreateBounded<Frame>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Stats.OverflowFrame());
        _reader = Task.Run(ReadLoopAsync);
    }

    public LinkStats Stats { get; }

    /// <summary>A fresh sequence number for a new request (retransmissions reuse theirs).</summary>
    public ushort NextSequence() => unchecked((ushort)Interlocked.Increment(ref _sequence));

    public async Task SendAsync(Frame frame, CancellationToken cancellationToken)
    {
        byte[] wire = FrameCodec.Encode(frame);
        using var write = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _broken.Token);
        try
        {
            await _writing.WaitAsync(write.Token);
            try
            {
                await _stream.WriteAsync(wire, write.Token);
                await _stream.FlushAsync(write.Token);
                Stats.Sent();
            }
            finally
            {
                _writing.Release();
            }
        }
        catch (OperationCanceledException) when (_broken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new LinkException($"connection lost ({_failure!.Message})", _failure);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            throw new LinkException($"cannot send: {e.Message}", e);
        }
    }

    public Task SendAsync(Message message, ushort sequence, CancellationToken cancellationToken) =>
        SendAsync(message.ToFrame(sequence), cancellationToken);

    /// <summary>
    /// The next well-formed message and its sequence number, or null when <paramref name="timeout"/>
    /// passes first. Frames whose payload does not fit their kind are counted and skipped.
    /// Throws <see cref="LinkException"/> once the stream has failed or ended and every queued frame is read.
    /// </summary>
    public async Task<(Message Message, ushort Sequence)?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
            deadline.CancelAfter(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
        while (true)
        {
            Frame frame;
            try
            {
                // A frame already queued is returned even when the time is up.
                // The reader completes the queue with a LinkException, which WaitToReadAsync throws.
                while (!_received.Reader.TryRead(out frame))
                    if (!await _received.Reader.WaitToReadAsync(deadline.Token))
                        throw new LinkException("the link is closed");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            try
            {
                return (Message.Parse(frame), frame.Sequence);
            }
            catch (MessageFormatException)
            {
                Stats.MalformedFrame();
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and waits for a reply carrying its sequence number that
    /// <paramref name="accept"/> takes, re-sending the same frame after each <paramref name="timeout"/>,
    /// <paramref name="attempts"/> times in all. Other replies are stale (counted, ignored).
    /// </summary>
    public async Task<Message> RequestAsync(Message request, Func<Message, bool> accept, TimeSpan timeout, int attempts, CancellationToken cancellationToken)
    {
        var frame = request.ToFrame(NextSequence());
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            if (attempt > 0)
                Stats.Retransmitted();
            await SendAsync(frame, cancellationToken);
            var until = DateTime.UtcNow + timeout;
            for (var left = timeout; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
            {
                if (await ReceiveAsync(left, cancellationToken) is not { } got)
                    break;
                var (reply, sequence) = got;
                if (sequence == frame.Sequence && accept(reply))
                    return reply;
                Stats.StaleFrame();
            }
        }
        throw new LinkException($"no answer to {request.Kind} after {attempts} attempts {timeout.TotalMilliseconds:0} ms apart");
    }

    /// <summary>Opens a conversation: Hello, answered by who the device is; throws <see cref="InvalidDataException"/> for another protocol version.</summary>
    public async Task<Identify> HelloAsync(TimeSpan timeout, int attempts, CancellationToken cancellationToken)
    {
        var device = (Identify)await RequestAsync(new Hello(Message.ProtocolVersion), m => m is Identify, timeout, attempts, cancellationToken);
        if (device.Version != Message.ProtocolVersion)
            throw new InvalidDataException($"device {device.DeviceId} speaks serial protocol version {device.Version}; this host speaks {Message.ProtocolVersion}");
        return device;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _reader;
        _stop.Dispose();
        _broken.Dispose();
        _writing.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var frames = new FrameReader();
        var buffer = new byte[4096];
        LinkException failure;
        try
        {
            while (true)
            {
                int count = await _stream.ReadAsync(buffer, _stop.Token);
                if (count == 0)
                {
                    failure = new LinkException("the other end closed the connection");
                    break;
                }
                frames.Feed(buffer.AsSpan(0, count), Queue, Stats.Bad);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            failure = new LinkException("the link was closed");
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            failure = new LinkException($"cannot receive: {e.Message}", e);
        }
        _failure = failure;
        _broken.Cancel();
        _received.Writer.TryComplete(failure);
    }

    private void Queue(Frame frame)
    {
        Stats.Received();
        _received.Writer.TryWrite(frame);
    }

    /// <summary>What streams throw when a port goes away (unplugged, closed underneath, pty gone).</summary>
    private static bool IsConnectionFailure(Exception e) =>
        e is IOException or ObjectDisposedException or InvalidOperationException or UnauthorizedAccessException or TimeoutException;
}
