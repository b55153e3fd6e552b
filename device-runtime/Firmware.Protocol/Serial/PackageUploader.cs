using System.Security.Cryptography;

namespace Firmware.Protocol.Serial;

/// <summary>
/// The host side of the serial upload. Each connection: Hello, Query where the upload stands (Begin it
/// when the device does not know it), send Data from the device's acknowledged offset with a window of
/// frames in flight (<see cref="DataWindow"/>), then Commit and wait for the device's result. When the
/// connection is lost it reopens it and resumes from the device's acknowledged offset.
/// </summary>
public sealed class PackageUploader
{
    private readonly byte[] _package;
    private readonly UploaderOptions _options;
    private readonly UploadBegin _begin;
    private readonly LinkStats _stats = new();

    /// <param name="package">The bytes to deliver (a package from fwctl pack).</param>
    /// <param name="options">Pacing; <see cref="UploaderOptions.ForBaud"/> fits them to a line.</param>
    /// <param name="uploadId">Names this upload on the device (the key it applies at most once under); random by default.</param>
    public PackageUploader(byte[] package, UploaderOptions? options = null, uint? uploadId = null)
    {
        if (package.Length == 0)
            throw new ArgumentException("nothing to upload: the package is empty", nameof(package));
        _package = package;
        _options = options ?? new UploaderOptions();
        _begin = new UploadBegin(uploadId ?? BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)), (uint)package.Length, SHA256.HashData(package));
    }

    public uint UploadId => _begin.UploadId;

    /// <summary>
    /// Delivers the package and returns the device's result (applied, or why not). <paramref name="connect"/>
    /// opens the port; the uploader disposes each stream it gets. A failure of the first connect propagates
    /// (the port cannot be opened); later losses reconnect up to <see cref="UploaderOptions.Reconnects"/> times
    /// and then throw <see cref="LinkException"/>. A device speaking another protocol version throws
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public async Task<UploadResult> UploadAsync(Func<CancellationToken, Task<Stream>> connect, IProgress<UploadProgress>? progress, CancellationToken cancellationToken)
    {
        var stream = await connect(cancellationToken);
        int reconnects = 0;
        while (true)
        {
            LinkException lost;
            try
            {
                return await ConverseAsync(stream, reconnects, progress, cancellationToken);
            }
            catch (LinkException e)
            {
                lost = e;
            }
            Stream? reopened = null;
            while (reopened is null)
            {
                if (reconnects == _options.Reconnects)
                    throw new LinkException($"upload abandoned after {reconnects} reconnects: {lost.Message}", lost);
                reconnects++;
                await Task.Delay(_options.ReconnectDelay, cancellationToken);
                try
                {
                    reopened = await connect(cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    lost = new LinkException($"cannot reopen the port: {e.Message}", e);
                }
            }
            stream = reopened;
        }
    }

    /// <summary>One connection's conversation; disposes the stream.</summary>
    private async Task<UploadResult> ConverseAsync(Stream stream, int reconnects, IProgress<UploadProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            await using var link = new SerialLink(stream, _stats);
            var device = await link.HelloAsync(_options.FrameTimeout, _options.Attempts, cancellationToken);
            int chunk = Math.Min(_options.ChunkBytes, device.MaxPayload - UploadData.HeaderBytes);
            if (chunk <= 0)
                throw new InvalidDataException($"device {device.DeviceId} takes Data payloads of {device.MaxPayload} bytes, too small for any data");
            var window = new DataWindow(link, _begin.UploadId, _package, chunk, _options, acked => progress?.Report(new UploadProgress(acked, _package.Length, reconnects)));
            // The device may lose the upload (restart, another host's upload): start again from where it stands.
            for (int restart = 0; restart < _options.Attempts; restart++)
            {
                var position = await PositionAsync(link, cancellationToken);
                if (position is not UploadAck ack)
                    return Result((UploadStatus)position, device, reconnects);
                var status = await window.SendFromAsync(ack.NextOffset, cancellationToken)
                    ?? (UploadStatus)await link.RequestAsync(new UploadCommit(_begin.UploadId), IsStatus, _options.FrameTimeout, CommitAttempts, cancellationToken);
                if (status.Code is not (StatusCode.UnknownUpload or StatusCode.Incomplete))
                    return Result(status, device, reconnects);
            }
            throw new LinkException($"device {device.DeviceId} lost upload {_begin.UploadId:x8} {_options.Attempts} times in a row");
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>Where the device stands: an Ack with its next expected offset, or a Status (finished, or refused).</summary>
    private async Task<Message> PositionAsync(SerialLink link, CancellationToken cancellationToken)
    {
        var reply = await link.RequestAsync(new UploadQuery(_begin.UploadId), IsPosition, _options.FrameTimeout, _options.Attempts, cancellationToken);
        return reply is UploadStatus { Code: StatusCode.UnknownUpload }
            ? await link.RequestAsync(_begin, IsPosition, _options.FrameTimeout, _options.Attempts, cancellationToken)
            : reply;
    }

    private int CommitAttempts => (int)Math.Max(_options.Attempts, Math.Ceiling(_options.ApplyTimeout / _options.FrameTimeout));

    private bool IsStatus(Message m) => m is UploadStatus s && s.UploadId == _begin.UploadId;

    private bool IsPosition(Message m) => IsStatus(m) || m is UploadAck a && a.UploadId == _begin.UploadId;

    private UploadResult Result(UploadStatus status, Identify device, int reconnects) => new(status.Code, status.Reason, device, _stats, reconnects);
}
