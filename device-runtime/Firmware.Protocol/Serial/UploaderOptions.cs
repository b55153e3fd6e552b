namespace Firmware.Protocol.Serial;

/// <summary>How a <see cref="PackageUploader"/> paces itself. <see cref="ForBaud"/> picks timeouts that fit a line speed.</summary>
public sealed record UploaderOptions
{
    /// <summary>
    /// Package bytes per Data frame (the device's Identify may lower it). 256 keeps the frame overhead near
    /// 8% and a microcontroller's receive buffer small; a lost frame costs little to resend.
    /// </summary>
    public int ChunkBytes { get; init; } = 256;

    /// <summary>Data frames in flight before an Ack must come back, so the line never idles waiting for one.</summary>
    public int Window { get; init; } = 4;

    /// <summary>How long to wait for an answer before re-sending.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Re-sends without any progress before the connection counts as lost.</summary>
    public int Attempts { get; init; } = 10;

    /// <summary>How long the device may take to check and apply the package after Commit.</summary>
    public TimeSpan ApplyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a lost connection is reopened and the upload resumed before giving up.</summary>
    public int Reconnects { get; init; } = 5;

    /// <summary>Pause before reopening a lost connection.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Options for a line at <paramref name="baud"/> (8N1: ten bits a byte): the frame timeout is three
    /// times what a full window and its Acks take to cross the line, and never under 300 ms.
    /// </summary>
    public static UploaderOptions ForBaud(int baud)
    {
        var defaults = new UploaderOptions();
        int windowBytes = defaults.Window * (FrameCodec.Encode(new Frame(MessageKind.Data, 0, new byte[UploadData.HeaderBytes + defaults.ChunkBytes])).Length + 20);
        var windowTime = TimeSpan.FromSeconds(windowBytes * 10.0 / baud);
        return defaults with { FrameTimeout = TimeSpan.FromTicks(Math.Max(defaults.FrameTimeout.Ticks, 3 * windowTime.Ticks)) };
    }
}
