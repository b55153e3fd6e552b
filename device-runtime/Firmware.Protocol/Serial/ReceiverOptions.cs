using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Serial;

/// <summary>What a <see cref="PackageReceiver"/> tells hosts about itself and what it accepts.</summary>
public sealed record ReceiverOptions(string DeviceId, string Board)
{
    /// <summary>Begin announcing more bytes is refused with <see cref="StatusCode.TooLarge"/>.</summary>
    public int MaxPackageBytes { get; init; } = PackageLimits.MaxPackageBytes;

    /// <summary>The largest Data payload (upload id, offset and bytes) the device takes; hosts size their chunks to it.</summary>
    public int MaxPayload { get; init; } = FrameCodec.MaxPayload;

    /// <summary>How many finished uploads' results are kept to answer re-sent Commits without applying again.</summary>
    public int RememberedResults { get; init; } = 16;
}
