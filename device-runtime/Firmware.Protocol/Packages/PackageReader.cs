using System.Formats.Cbor;
using System.Security.Cryptography;
using static Firmware.Protocol.Packages.CborFields;
using K = Firmware.Protocol.Packages.ManifestKeys;

namespace Firmware.Protocol.Packages;

/// <summary>
/// The one package reader, used by `fwctl inspect` and by the device. Checks in order, stopping at the
/// first failure: structure, signature against trusted keys, board, firmware build id, sequence number,
/// program digest. Hostile input yields an error value, never an exception.
/// </summary>
public static class PackageReader
{
    public static PackageCheck Check(ReadOnlySpan<byte> bytes, PackagePolicy policy)
    {
        if (bytes.Length > PackageLimits.MaxPackageBytes)
            return PackageCheck.Fail(PackageError.Structure, $"package is {bytes.Length} bytes; the limit is {PackageLimits.MaxPackageBytes}");
        CoseSign1 cose;
        PackageManifest manifest;
        byte[] program;
        byte[]? nativeSection;
        NativeCode? native;
        try
        {
            (cose, program, nativeSection) = ReadEnvelope(bytes.ToArray());
            manifest = ManifestCodec.Decode(cose.Payload);
            native = nativeSection is null ? null : NativeCodec.Decode(nativeSection);
            if ((manifest.NativeDigest is null) != (nativeSection is null))
                throw new PackageFormatException("the manifest has a native code digest exactly when the package has native code");
        }
        catch (Exception e) when (e is PackageFormatException or CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            return PackageCheck.Fail(PackageError.Structure, $"malformed package: {e.Message}");
        }
        return CheckSignature(cose, policy.TrustedKeys)
            ?? CheckTarget(manifest, policy)
            ?? CheckDigest(manifest, program)
            ?? CheckNativeDigest(manifest, nativeSection)
            ?? new PackageCheck(PackageError.None, "ok", new Package(manifest, program, cose.KeyId, cose.Algorithm, native));
    }

    private static (CoseSign1 Cose, byte[] Program, byte[]? NativeSection) ReadEnvelope(byte[] bytes)
    {
        var reader = new CborReader(bytes, CborConformanceMode.Canonical);
        int entries = StartMap(reader, 3, "package");
        if (entries < 2) throw new PackageFormatException("package: expected {1: manifest, 2: program, ?3: native code}");
        if (Key(reader, 0, "package") != K.EnvelopeManifest) throw new PackageFormatException("package: missing the manifest");
        var cose = CoseSign1.Read(reader);
        if (Key(reader, K.EnvelopeManifest, "package") != K.EnvelopeProgram) throw new PackageFormatException("package: missing the program");
        byte[] program = Bytes(reader, PackageLimits.MaxProgramBytes, "program");
        byte[]? native = null;
        if (entries == 3)
        {
            if (Key(reader, K.EnvelopeProgram, "package") != K.EnvelopeNative) throw new PackageFormatException("package: unknown key after the program");
            native = reader.ReadEncodedValue().ToArray();
        }
        reader.ReadEndMap();
        if (reader.BytesRemaining != 0) throw new PackageFormatException("package: bytes after the end");
        return (cose, program, native);
    }

    private static PackageCheck? CheckSignature(CoseSign1 cose, IReadOnlyList<TrustedKey>? trustedKeys) =>
        trustedKeys is not null && cose.Untrusted(trustedKeys) is { } reason ? PackageCheck.Fail(PackageError.Signature, reason) : null;

    private static PackageCheck? CheckTarget(PackageManifest manifest, PackagePolicy policy)
    {
        if (policy.Board is not null && manifest.Board != policy.Board)
            return PackageCheck.Fail(PackageError.Board, $"package is for board '{manifest.Board}', this is '{policy.Board}'");
        if (policy.FirmwareBuildId is not null && !manifest.AppliesToAnyBuild && !manifest.FirmwareBuildId.AsSpan().SequenceEqual(policy.FirmwareBuildId))
            return PackageCheck.Fail(PackageError.FirmwareBuild,
                $"package is for firmware build {Convert.ToHexStringLower(manifest.FirmwareBuildId)}, this runs {Convert.ToHexStringLower(policy.FirmwareBuildId)}");
        if (policy.LastInstalledSequence?.Invoke(manifest.Slot) is ulong last && manifest.Sequence <= last)
            return PackageCheck.Fail(PackageError.Sequence,
                $"sequence {manifest.Sequence} is not above {last}, the last installed for {manifest.SlotDescription} (rollback refused)");
        return null;
    }

    private static PackageCheck? CheckNativeDigest(PackageManifest manifest, byte[]? nativeSection) =>
        nativeSection is null || CryptographicOperations.FixedTimeEquals(SHA256.HashData(nativeSection), manifest.NativeDigest)
            ? null
            : PackageCheck.Fail(PackageError.Digest, $"native code section ({nativeSection.Length} bytes) does not match the manifest's SHA-256");

    private static PackageCheck? CheckDigest(PackageManifest manifest, byte[] program) =>
        program.Length == manifest.ProgramSize && CryptographicOperations.FixedTimeEquals(SHA256.HashData(program), manifest.ProgramDigest)
            ? null
            : PackageCheck.Fail(PackageError.Digest, $"program ({program.Length} bytes) does not match the manifest's size {manifest.ProgramSize} and SHA-256");
}
