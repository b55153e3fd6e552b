namespace Firmware.Protocol.Packages;

/// <summary>
/// Integer keys of the CBOR maps (small keys keep the encoding compact for serial links, as SUIT does).
/// Numbers are part of the format: never renumber, only add.
/// </summary>
internal static class ManifestKeys
{
    public const int FormatVersion = 1;
    public const int Sequence = 2;
    public const int Board = 3;
    public const int FirmwareBuildId = 4;
    public const int Hook = 5;
    public const int Kind = 6;
    public const int ProgramName = 7;
    public const int ProgramSize = 8;
    public const int ProgramDigest = 9;
    public const int Maps = 10;
    public const int Helpers = 11;
    public const int Verdict = 12;
    public const int Description = 13;
    public const int NativeDigest = 14;
    public const int Container = 15;

    // The container section (key 15).
    public const int ContainerName = 1;
    public const int ContainerPrograms = 2;
    public const int ContainerLimits = 3;
    public const int ContainerProgramName = 1;
    public const int ContainerProgramFirst = 2;
    public const int ContainerProgramCount = 3;
    public const int LimitBudget = 1;
    public const int LimitRunsPerSecond = 2;
    public const int LimitPublishesPerSecond = 3;

    // A map definition.
    public const int MapName = 1;
    public const int MapType = 2;
    public const int MapKeySize = 3;
    public const int MapValueSize = 4;
    public const int MapMaxEntries = 5;
    public const int MapFlags = 6;
    public const int MapInitialValue = 7;
    public const int MapReadOnly = 8;

    // The envelope around the COSE_Sign1 manifest and the program.
    public const int EnvelopeManifest = 1;
    public const int EnvelopeProgram = 2;
    public const int EnvelopeNative = 3;

    // The native section (envelope key 3).
    public const int NativeTarget = 1;
    public const int NativeCode = 2;
    public const int NativeRelocations = 3;
    public const int NativeStackBytes = 4;

    /// <summary>COSE algorithm for SHA-256 digests (RFC 9054), as SUIT's digest is [algorithm, bytes].</summary>
    public const int Sha256 = -16;
}
