using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>
/// An uploader's progress sink that pulls the cable once half the package is acknowledged (on the
/// uploader's own thread, at an exact point) and records where the upload stood and where it resumed
/// after the reconnect. By default pulling closes the connection the uploader is using.
/// </summary>
internal sealed class DisconnectHalfway(Action<Stream>? pull = null) : IProgress<UploadProgress>
{
    private readonly Action<Stream> _pull = pull ?? (stream => stream.Dispose());
    private Stream? _current;

    public long AckedAtDisconnect { get; private set; } = -1;

    public long ResumedFrom { get; private set; } = -1;

    /// <summary>Wraps a connect callback so the latest connection is the one to close.</summary>
    public Func<CancellationToken, Task<Stream>> Track(Func<Stream> connect) => _ => Task.FromResult(_current = connect());

    public void Report(UploadProgress value)
    {
        if (AckedAtDisconnect < 0 && value.Fraction >= 0.5)
        {
            AckedAtDisconnect = value.AckedBytes;
            _pull(_current!);
        }
        if (value.Reconnects == 1 && ResumedFrom < 0)
            ResumedFrom = value.AckedBytes;
    }

    public void AssertResumedWhereItStopped() =>
        Assert.True(AckedAtDisconnect > 0 && ResumedFrom >= AckedAtDisconnect, $"resumed from {ResumedFrom}, had {AckedAtDisconnect} acked");
}
