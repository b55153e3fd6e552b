namespace Firmware.Protocol.Packages;

/// <summary>
/// One word of native code the loader fills in: <see cref="Kind"/> says what (a helper's address, a map's,
/// a runtime routine's; docs/thumb2-abi.md), <see cref="Value"/> which one.
/// </summary>
public sealed record NativeRelocation(uint Offset, uint Kind, uint Value);

/// <summary>
/// The package's native section (envelope key 3): the program compiled ahead of time for a device that
/// cannot compile it itself (a Cortex-M stub), with its relocations and the native stack it needs.
/// The manifest's <see cref="PackageManifest.NativeDigest"/> is the SHA-256 of this section's CBOR bytes.
/// </summary>
public sealed record NativeCode(string Target, byte[] Code, IReadOnlyList<NativeRelocation> Relocations, int StackBytes)
{
    /// <summary>ARMv7-M Thumb-2 (docs/thumb2-abi.md), the only target so far.</summary>
    public const string Thumbv7m = "thumbv7m";
}
