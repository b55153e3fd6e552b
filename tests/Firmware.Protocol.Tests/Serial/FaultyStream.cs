using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>
/// Wraps a stream and spoils outgoing frames: exactly one frame in every 1/<c>rate</c> consecutive ones,
/// at a seeded position in each block (so the count does not depend on timing), has one byte changed or
/// is dropped, in turn. <see cref="SerialLink"/> writes one frame per call, so a write is a frame.
/// <c>dropOnce</c> drops the first frame it matches, for losses a test needs at an exact point. Reads
/// pass through.
/// </summary>
internal sealed class FaultyStream(Stream inner, int seed, double rate, Func<Frame, bool>? dropOnce = null) : ByteStream
{
    private readonly Random _random = new(seed);
    private readonly int _block = rate > 0 ? (int)Math.Round(1 / rate) : 0;
    private int _written;
    private int _victim = -1;
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
        if (_block > 0 && _written % _block == 0)
            _victim = _written + _random.Next(_block);
        if (_written++ == _victim)
        {
            if (Corrupted > Dropped)
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
