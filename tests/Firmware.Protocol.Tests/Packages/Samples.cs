using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Tests.Packages;

/// <summary>A small valid package and the device policy it satisfies; tests change one thing at a time.</summary>
internal static class Samples
{
    public static readonly SigningKey Key = SigningKey.Generate();
    public static readonly SigningKey OtherKey = SigningKey.Generate();
    public static readonly byte[] BuildId = Convert.FromHexString("8f2c1a9e44b07d21");

    /// <summary>r0 = 7; exit.</summary>
    public static readonly byte[] Program = Instruction.WriteAll([new Instruction(0xb7, 0, 0, 0, 7), new Instruction(Opcode.Exit, 0, 0, 0, 0)]);

    public static PackageManifest Manifest(ulong sequence = 5) => new(
        Sequence: sequence,
        Board: "linux-x64",
        FirmwareBuildId: BuildId,
        Hook: "parse_packet",
        Kind: PatchKind.Filter,
        ProgramName: "fw/parse_packet",
        ProgramSize: 0,
        ProgramDigest: [],
        Maps: [new MapDefinition("counts", MapType.Array, 4, 8, 2), new MapDefinition(".rodata", MapType.Array, 4, 3, 1, 0, [1, 2, 3], ReadOnly: true)],
        Helpers: [1, 5],
        Verdict: VerifierVerdict.Accepted,
        Description: "length check");

    public static byte[] Package(ulong sequence = 5, SigningKey? key = null) => PackageWriter.Write(Manifest(sequence), Program, key ?? Key);

    public static readonly byte[] Valid = Package();

    /// <summary>The device this package is for: last installed sequence 4 on parse_packet.</summary>
    public static PackagePolicy Device(string board = "linux-x64", byte[]? buildId = null, ulong lastSequence = 4) =>
        PackagePolicy.Device([Key.PublicKey], board, buildId ?? BuildId, hook => hook == "parse_packet" ? lastSequence : null);
}
