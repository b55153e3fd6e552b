using Firmware.Ebpf.Programs;
using Firmware.Protocol.Containers;

namespace Firmware.Protocol.Packages;

/// <summary>What the verifier said about the program when it was packed.</summary>
public enum VerifierVerdict
{
    /// <summary>No verifier was available when packing; the device's own verification is the only one.</summary>
    NotVerified,
    Accepted,
}

public static class VerifierVerdicts
{
    public static string Name(this VerifierVerdict verdict) => verdict == VerifierVerdict.Accepted ? "accepted" : "not-verified";

    public static VerifierVerdict? Parse(string name) => name switch
    {
        "accepted" => VerifierVerdict.Accepted,
        "not-verified" => VerifierVerdict.NotVerified,
        _ => null,
    };
}

/// <summary>
/// The signed manifest of a package (docs/package-format.md), modelled on SUIT: which device, firmware
/// build and hook it applies to, its anti-rollback sequence number, and the program's size and digest.
/// The program bytes travel beside the manifest in the envelope, bound to it by <see cref="ProgramDigest"/>.
/// A container package (<see cref="PatchKind.Container"/>) has a <see cref="Container"/> section, and only it does.
/// A package with native code (<see cref="NativeCode"/>) has its <see cref="NativeDigest"/>, so the signature covers the code.
/// </summary>
public sealed record PackageManifest(
    ulong Sequence,
    string Board,
    byte[] FirmwareBuildId,
    string Hook,
    PatchKind Kind,
    string ProgramName,
    int ProgramSize,
    byte[] ProgramDigest,
    IReadOnlyList<MapDefinition> Maps,
    IReadOnlyList<int> Helpers,
    VerifierVerdict Verdict,
    string Description,
    ContainerSpec? Container = null,
    byte[]? NativeDigest = null)
{
    /// <summary>The format this code writes and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>What the sequence number counts for (anti-rollback): the hook, or the container (<c>container/NAME</c>).</summary>
    public string Slot => Container?.Slot ?? Hook;

    /// <summary>The slot for people: "hook 'parse_packet'" or "container 'average'".</summary>
    public string SlotDescription => Container is null ? $"hook '{Hook}'" : $"container '{Container.Name}'";

    /// <summary>An empty build id binds the package to no particular build (packed without --build-id).</summary>
    public bool AppliesToAnyBuild => FirmwareBuildId.Length == 0;
}
