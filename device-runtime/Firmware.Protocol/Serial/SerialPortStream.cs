using System.IO.Ports;

namespace Firmware.Protocol.Serial;

/// <summary>
/// An open serial port (8N1, no flow control) as a <see cref="Stream"/> that closes the port when disposed,
/// so links, uploaders and receivers can own it like any other stream.
/// </summary>
public sealed class SerialPortStream : Stream
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    private readonly SerialPort _port;
    private readonly Stream _stream;

    private SerialPortStream(SerialPort port)
    {
        _port = port;
        _stream = port.BaseStream;
    }

    /// <summary>Opens <paramref name="portName"/> (e.g. /dev/ttyUSB0, COM3); throws <see cref="IOException"/> with the reason when it cannot.</summary>
    public static SerialPortStream Open(string portName, int baud)
    {
        // .NET reports a missing device node on Unix as "access denied"; say what is wrong.
        if (!OperatingSystem.IsWindows() && !File.Exists(portName))
            throw new IOException($"cannot open serial port {portName}: no such device");
        var port = new SerialPort(portName, baud, Parity.None, 8, StopBits.One) { Handshake = Handshake.None };
        try
        {
            port.Open();
            return new SerialPortStream(port);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new IOException($"cannot open serial port {portName}: {e.Message}", e);
        }
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _stream.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _stream.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _stream.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _stream.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _stream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _stream.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// Closes the port. Closing one whose device went away can block inside System.IO.Ports (seen on Linux
    /// when the other side of a pty died with a write pending), so the close runs on the thread pool and is
    /// waited for a bounded time: a vanished port must not hang its owner.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Task.WaitAny([Task.Run(_port.Dispose)], CloseTimeout);
        base.Dispose(disposing);
    }
}
