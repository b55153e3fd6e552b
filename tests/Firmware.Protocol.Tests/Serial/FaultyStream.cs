using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>
/// Wraps a stream and spoils outgoing frames: with probability <c>rate</c> a frame is dropped or has one
/// byte changed (half each), from a seeded generator so runs repeat. <see cref="SerialLink"/> writes one
/// frame per call, so a write is a frame. <c>dropOnce</c> drops the first frame it matches, for losses a
/// test needs at an exact point. Reads pass through.
/// </summary>
internal sealed class FaultyStream(Stream inner, int seed, double rate, Func<Frame, bool>? dropOnce = null) : ByteStream
{
    private readonly Random _random = new(seed);
    private Func<Frame, bool>? _dropOnce = dropOnce;

    public int Dropped { get; private set; }
    public int Corrupted { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_dropOnce is { } match && FrameCodec.TryDecode(buffer.Span.Trim((byte)0), out var frame) == FrameError.None && match(frame))
        {
            _dropOnce = null;
            Dropped++;
            return;
        }
        if (_random.NextDouble() < rate)
        {
            if (_random.Next(2) == 0)
            {
                Dropped++;
                return;
            }
            var spoiled = buffer.ToArray();
            spoiled[_random.Next(spoiled.Length)] ^= (byte)_random.Next(1, 256);
            Corrupted++;
            buffer = spoiled;
        }
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
