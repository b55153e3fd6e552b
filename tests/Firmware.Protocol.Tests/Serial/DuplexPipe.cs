using System.Threading.Channels;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>Two connected in-memory streams, like the two ends of a null-modem cable. Disposing one ends the other's reads.</summary>
internal sealed class DuplexPipe : ByteStream
{
    private readonly Channel<byte[]> _incoming;
    private readonly Channel<byte[]> _outgoing;
    private ReadOnlyMemory<byte> _pending;

    private DuplexPipe(Channel<byte[]> incoming, Channel<byte[]> outgoing) => (_incoming, _outgoing) = (incoming, outgoing);

    public static (Stream Host, Stream Device) Create()
    {
        var toDevice = Channel.CreateUnbounded<byte[]>();
        var toHost = Channel.CreateUnbounded<byte[]>();
        return (new DuplexPipe(toHost, toDevice), new DuplexPipe(toDevice, toHost));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending.IsEmpty)
        {
            if (!await _incoming.Reader.WaitToReadAsync(cancellationToken))
                return 0;
            _pending = await _incoming.Reader.ReadAsync(cancellationToken);
        }
        int count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _outgoing.Writer.TryWrite(buffer.ToArray()) ? ValueTask.CompletedTask : throw new IOException("pipe closed");

    protected override void Dispose(bool disposing)
    {
        _outgoing.Writer.TryComplete();
        _incoming.Writer.TryComplete();
        base.Dispose(disposing);
    }
}
