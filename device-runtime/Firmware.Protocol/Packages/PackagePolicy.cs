namespace Firmware.Protocol.Packages;

/// <summary>
/// What the reader checks a package against. A device sets every field; `fwctl inspect` leaves out what it
/// cannot know (null skips that check). Without trusted keys the signature is not checked: only for display.
/// </summary>
public sealed record PackagePolicy(
    IReadOnlyList<TrustedKey>? TrustedKeys,
    string? Board = null,
    byte[]? FirmwareBuildId = null,
    Func<string, ulong?>? LastInstalledSequence = null)
{
    /// <summary>Everything a device checks before installing.</summary>
    public static PackagePolicy Device(IReadOnlyList<TrustedKey> trustedKeys, string board, byte[] firmwareBuildId,
        Func<string, ulong?> lastInstalledSequence) => new(trustedKeys, board, firmwareBuildId, lastInstalledSequence);
}
