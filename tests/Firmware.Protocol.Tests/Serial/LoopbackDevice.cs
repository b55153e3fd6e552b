using System.Collections.Concurrent;
using System.Threading.Channels;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>
/// A receiver served over in-memory pipes, one connection at a time as on a serial port: each
/// <see cref="Connect"/> plugs in a new cable. Records every package its handler was given.
/// </summary>
internal sealed class LoopbackDevice : IAsyncDisposable
{
    private readonly Channel<Stream> _connections = Channel.CreateUnbounded<Stream>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, Stream, Stream> _deviceSide;
    private readonly Task _loop;
    private int _connectionCount;

    /// <param name="deviceSide">Wraps the device's end of connection N (e.g. in a fault injector).</param>
    public LoopbackDevice(Func<byte[], ApplyResult> handler, Func<int, Stream, Stream>? deviceSide = null, ReceiverOptions? options = null)
    {
        _deviceSide = deviceSide ?? ((_, s) => s);
        Receiver = new PackageReceiver(options ?? new ReceiverOptions("loop-1", "linux-x64"), (package, _) =>
        {
            Applied.Enqueue(package);
            return Task.FromResult(handler(package));
        });
        _loop = Task.Run(ServeAsync);
    }

    public PackageReceiver Receiver { get; }

    public ConcurrentQueue<byte[]> Applied { get; } = new();

    /// <summary>A new cable to the device; the host's end, for an uploader's connect callback.</summary>
    public Stream Connect()
    {
        var (host, device) = DuplexPipe.Create();
        _connections.Writer.TryWrite(_deviceSide(_connectionCount++, device));
        return host;
    }

    private async Task ServeAsync()
    {
        await foreach (var stream in _connections.Reader.ReadAllAsync(_stop.Token))
            await using (stream)
                await Receiver.RunAsync(stream, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _loop);
    }
}

