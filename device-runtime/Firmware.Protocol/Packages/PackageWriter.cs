using System.Formats.Cbor;
using System.Security.Cryptography;
using K = Firmware.Protocol.Packages.ManifestKeys;

namespace Firmware.Protocol.Packages;

/// <summary>
/// Writes a package: the envelope {1: COSE_Sign1 over the manifest, 2: program bytes, ?3: native code}.
/// The manifest's program size and digest, and the native section's digest, are computed here from
/// <paramref name="program"/> and <paramref name="native"/>, never taken from the caller.
/// </summary>
public static class PackageWriter
{
    public static byte[] Write(PackageManifest manifest, byte[] program, SigningKey key, NativeCode? native = null)
    {
        byte[]? nativeSection = native is null ? null : NativeCodec.Encode(native);
        var bound = manifest with
        {
            ProgramSize = program.Length,
            ProgramDigest = SHA256.HashData(program),
            NativeDigest = nativeSection is null ? null : SHA256.HashData(nativeSection),
        };
        Check(bound, program);
        if (native is not null && NativeCodec.Problem(native) is { } problem) throw new PackageFormatException(problem);
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(nativeSection is null ? 2 : 3);
        writer.WriteInt32(K.EnvelopeManifest);
        CoseSign1.Write(writer, ManifestCodec.Encode(bound), key);
        writer.WriteInt32(K.EnvelopeProgram);
        writer.WriteByteString(program);
        if (nativeSection is not null)
        {
            writer.WriteInt32(K.EnvelopeNative);
            writer.WriteEncodedValue(nativeSection);
        }
        writer.WriteEndMap();
        byte[] package = writer.Encode();
        return package.Length <= PackageLimits.MaxPackageBytes
            ? package
            : throw new PackageFormatException($"package is {package.Length} bytes; the limit is {PackageLimits.MaxPackageBytes}");
    }

    /// <summary>Refuses to write what the reader would refuse.</summary>
    private static void Check(PackageManifest m, byte[] program)
    {
        if (program.Length > PackageLimits.MaxProgramBytes) throw new PackageFormatException($"program is {program.Length} bytes; the limit is {PackageLimits.MaxProgramBytes}");
        if (m.FirmwareBuildId.Length > PackageLimits.MaxBuildIdBytes) throw new PackageFormatException($"firmware build id is longer than {PackageLimits.MaxBuildIdBytes} bytes");
        if (m.Description.Length > PackageLimits.MaxDescriptionLength) throw new PackageFormatException($"description is longer than {PackageLimits.MaxDescriptionLength} characters");
        if (m.Maps.Count > PackageLimits.MaxMaps) throw new PackageFormatException($"more than {PackageLimits.MaxMaps} maps");
        if (m.Helpers.Count > PackageLimits.MaxHelpers) throw new PackageFormatException($"more than {PackageLimits.MaxHelpers} helpers");
        foreach (string name in new[] { m.Board, m.Hook, m.ProgramName }.Concat(m.Maps.Select(map => map.Name)))
            if (name.Length > PackageLimits.MaxNameLength) throw new PackageFormatException($"name '{name}' is longer than {PackageLimits.MaxNameLength} characters");
        if (m.Maps.Any(map => map.InitialValue?.Length > PackageLimits.MaxInitialValueBytes))
            throw new PackageFormatException($"a map's initial value is larger than {PackageLimits.MaxInitialValueBytes} bytes");
        if ((m.Kind == PatchKind.Container) != (m.Container is not null))
            throw new PackageFormatException("a container package has a container section, and only it does");
        if (m.Container is { } container)
        {
            if (container.Programs.Count > Containers.ContainerSpec.MaxPrograms) throw new PackageFormatException($"more than {Containers.ContainerSpec.MaxPrograms} container programs");
            if (container.Problem(program.Length / Firmware.Ebpf.Isa.Instruction.Size) is { } problem) throw new PackageFormatException(problem);
            foreach (string name in container.Programs.Select(p => p.Name).Append(container.Name))
                if (name.Length > PackageLimits.MaxNameLength) throw new PackageFormatException($"name '{name}' is longer than {PackageLimits.MaxNameLength} characters");
        }
    }
}
