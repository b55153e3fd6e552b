using System.Formats.Cbor;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Containers;
using static Firmware.Protocol.Packages.CborFields;
using K = Firmware.Protocol.Packages.ManifestKeys;

namespace Firmware.Protocol.Packages;

/// <summary>The manifest's CBOR encoding (canonical: definite lengths, keys ascending); see docs/package-format.md.</summary>
internal static class ManifestCodec
{
    private const int RequiredEntries = 13;

    public static byte[] Encode(PackageManifest m)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(RequiredEntries + (m.NativeDigest is null ? 0 : 1) + (m.Container is null ? 0 : 1));
        writer.WriteInt32(K.FormatVersion); writer.WriteInt32(PackageManifest.FormatVersion);
        writer.WriteInt32(K.Sequence); writer.WriteUInt64(m.Sequence);
        writer.WriteInt32(K.Board); writer.WriteTextString(m.Board);
        writer.WriteInt32(K.FirmwareBuildId); writer.WriteByteString(m.FirmwareBuildId);
        writer.WriteInt32(K.Hook); writer.WriteTextString(m.Hook);
        writer.WriteInt32(K.Kind); writer.WriteTextString(m.Kind.Name());
        writer.WriteInt32(K.ProgramName); writer.WriteTextString(m.ProgramName);
        writer.WriteInt32(K.ProgramSize); writer.WriteInt32(m.ProgramSize);
        writer.WriteInt32(K.ProgramDigest);
        EncodeDigest(writer, m.ProgramDigest);
        writer.WriteInt32(K.Maps);
        writer.WriteStartArray(m.Maps.Count);
        foreach (var map in m.Maps) EncodeMap(writer, map);
        writer.WriteEndArray();
        writer.WriteInt32(K.Helpers);
        writer.WriteStartArray(m.Helpers.Count);
        foreach (int helper in m.Helpers) writer.WriteInt32(helper);
        writer.WriteEndArray();
        writer.WriteInt32(K.Verdict); writer.WriteTextString(m.Verdict.Name());
        writer.WriteInt32(K.Description); writer.WriteTextString(m.Description);
        if (m.NativeDigest is not null) { writer.WriteInt32(K.NativeDigest); EncodeDigest(writer, m.NativeDigest); }
        if (m.Container is not null) { writer.WriteInt32(K.Container); EncodeContainer(writer, m.Container); }
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void EncodeDigest(CborWriter writer, byte[] digest)
    {
        writer.WriteStartArray(2); writer.WriteInt32(K.Sha256); writer.WriteByteString(digest); writer.WriteEndArray();
    }

    private static void EncodeContainer(CborWriter writer, ContainerSpec container)
    {
        writer.WriteStartMap(3);
        writer.WriteInt32(K.ContainerName); writer.WriteTextString(container.Name);
        writer.WriteInt32(K.ContainerPrograms);
        writer.WriteStartArray(container.Programs.Count);
        foreach (var program in container.Programs)
        {
            writer.WriteStartMap(3);
            writer.WriteInt32(K.ContainerProgramName); writer.WriteTextString(program.Name);
            writer.WriteInt32(K.ContainerProgramFirst); writer.WriteInt32(program.FirstInstruction);
            writer.WriteInt32(K.ContainerProgramCount); writer.WriteInt32(program.InstructionCount);
            writer.WriteEndMap();
        }
        writer.WriteEndArray();
        writer.WriteInt32(K.ContainerLimits);
        writer.WriteStartMap(3);
        writer.WriteInt32(K.LimitBudget); writer.WriteInt64(container.Limits.Budget);
        writer.WriteInt32(K.LimitRunsPerSecond); writer.WriteUInt32(container.Limits.RunsPerSecond);
        writer.WriteInt32(K.LimitPublishesPerSecond); writer.WriteUInt32(container.Limits.PublishesPerSecond);
        writer.WriteEndMap();
        writer.WriteEndMap();
    }

    private static void EncodeMap(CborWriter writer, MapDefinition map)
    {
        writer.WriteStartMap(map.InitialValue is null ? 7 : 8);
        writer.WriteInt32(K.MapName); writer.WriteTextString(map.Name);
        writer.WriteInt32(K.MapType); writer.WriteUInt32((uint)map.Type);
        writer.WriteInt32(K.MapKeySize); writer.WriteUInt32(map.KeySize);
        writer.WriteInt32(K.MapValueSize); writer.WriteUInt32(map.ValueSize);
        writer.WriteInt32(K.MapMaxEntries); writer.WriteUInt32(map.MaxEntries);
        writer.WriteInt32(K.MapFlags); writer.WriteUInt32(map.Flags);
        if (map.InitialValue is not null) { writer.WriteInt32(K.MapInitialValue); writer.WriteByteString(map.InitialValue); }
        writer.WriteInt32(K.MapReadOnly); writer.WriteBoolean(map.ReadOnly);
        writer.WriteEndMap();
    }

    /// <summary>Decodes a manifest; throws <see cref="PackageFormatException"/> or the CBOR reader's exceptions.</summary>
    public static PackageManifest Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new CborReader(bytes, CborConformanceMode.Canonical);
        int count = StartMap(reader, 32, "manifest");
        ulong? version = null, sequence = null, programSize = null;
        string? board = null, hook = null, kind = null, programName = null, verdict = null, description = null;
        byte[]? buildId = null, digest = null, nativeDigest = null;
        List<MapDefinition>? maps = null;
        List<int>? helpers = null;
        ContainerSpec? container = null;
        for (int i = 0, key = 0; i < count; i++)
        {
            key = Key(reader, key, "manifest");
            switch (key)
            {
                case K.FormatVersion: version = Unsigned(reader, uint.MaxValue, "format version"); break;
                case K.Sequence: sequence = Unsigned(reader, ulong.MaxValue, "sequence"); break;
                case K.Board: board = Text(reader, PackageLimits.MaxNameLength, "board"); break;
                case K.FirmwareBuildId: buildId = Bytes(reader, PackageLimits.MaxBuildIdBytes, "firmware build id"); break;
                case K.Hook: hook = Text(reader, PackageLimits.MaxNameLength, "hook"); break;
                case K.Kind: kind = Text(reader, PackageLimits.MaxNameLength, "kind"); break;
                case K.ProgramName: programName = Text(reader, PackageLimits.MaxNameLength, "program name"); break;
                case K.ProgramSize: programSize = Unsigned(reader, PackageLimits.MaxProgramBytes, "program size"); break;
                case K.ProgramDigest: digest = DecodeDigest(reader, "program digest"); break;
                case K.Maps: maps = DecodeList(reader, PackageLimits.MaxMaps, "maps", DecodeMap); break;
                case K.Helpers: helpers = DecodeList(reader, PackageLimits.MaxHelpers, "helpers", r => (int)Unsigned(r, int.MaxValue, "helper")); break;
                case K.Verdict: verdict = Text(reader, PackageLimits.MaxNameLength, "verdict"); break;
                case K.Description: description = Text(reader, PackageLimits.MaxDescriptionLength, "description"); break;
                case K.NativeDigest: nativeDigest = DecodeDigest(reader, "native code digest"); break;
                case K.Container: container = DecodeContainer(reader); break;
                default: throw new PackageFormatException($"manifest: unknown key {key}");
            }
        }
        reader.ReadEndMap();
        if (reader.BytesRemaining != 0) throw new PackageFormatException("manifest: bytes after the end");
        if (version != PackageManifest.FormatVersion)
            throw new PackageFormatException($"format version {version?.ToString() ?? "missing"} (this reader knows {PackageManifest.FormatVersion})");
        var patchKind = PatchKinds.Parse(kind ?? throw Missing("kind")) ?? throw new PackageFormatException($"kind: unknown '{kind}'");
        if ((patchKind == PatchKind.Container) != (container is not null))
            throw new PackageFormatException("manifest: a container package has a container section, and only it does");
        if (container?.Problem((int)(programSize ?? 0) / Firmware.Ebpf.Isa.Instruction.Size) is { } problem) throw new PackageFormatException(problem);
        return new PackageManifest(
            Sequence: sequence ?? throw Missing("sequence"),
            Board: board ?? throw Missing("board"),
            FirmwareBuildId: buildId ?? throw Missing("firmware build id"),
            Hook: hook ?? throw Missing("hook"),
            Kind: patchKind,
            ProgramName: programName ?? throw Missing("program name"),
            ProgramSize: (int)(programSize ?? throw Missing("program size")),
            ProgramDigest: digest ?? throw Missing("program digest"),
            Maps: maps ?? throw Missing("maps"),
            Helpers: helpers ?? throw Missing("helpers"),
            Verdict: VerifierVerdicts.Parse(verdict ?? throw Missing("verdict")) ?? throw new PackageFormatException($"verdict: unknown '{verdict}'"),
            Description: description ?? throw Missing("description"),
            Container: container,
            NativeDigest: nativeDigest);
    }

    private static ContainerSpec DecodeContainer(CborReader reader)
    {
        int count = StartMap(reader, 3, "container");
        string? name = null;
        List<ContainerProgram>? programs = null;
        ContainerLimits? limits = null;
        for (int i = 0, key = 0; i < count; i++)
        {
            key = Key(reader, key, "container");
            switch (key)
            {
                case K.ContainerName: name = Text(reader, PackageLimits.MaxNameLength, "container name"); break;
                case K.ContainerPrograms: programs = DecodeList(reader, ContainerSpec.MaxPrograms, "container programs", DecodeContainerProgram); break;
                case K.ContainerLimits: limits = DecodeLimits(reader); break;
                default: throw new PackageFormatException($"container: unknown key {key}");
            }
        }
        reader.ReadEndMap();
        return new ContainerSpec(name ?? throw Missing("container name"), programs ?? throw Missing("container programs"), limits ?? throw Missing("container limits"));
    }

    private static ContainerProgram DecodeContainerProgram(CborReader reader)
    {
        const int maxInstructions = PackageLimits.MaxProgramBytes / Firmware.Ebpf.Isa.Instruction.Size;
        if (StartMap(reader, 3, "container program") != 3) throw new PackageFormatException("container program: expected name, first instruction and count");
        ExpectKey(reader, K.ContainerProgramName, "container program");
        string name = Text(reader, PackageLimits.MaxNameLength, "container program name");
        ExpectKey(reader, K.ContainerProgramFirst, "container program");
        int first = (int)Unsigned(reader, maxInstructions, "container program first instruction");
        ExpectKey(reader, K.ContainerProgramCount, "container program");
        int instructions = (int)Unsigned(reader, maxInstructions, "container program instruction count");
        reader.ReadEndMap();
        return new ContainerProgram(name, first, instructions);
    }

    private static ContainerLimits DecodeLimits(CborReader reader)
    {
        if (StartMap(reader, 3, "container limits") != 3) throw new PackageFormatException("container limits: expected budget, runs and publishes per second");
        ExpectKey(reader, K.LimitBudget, "container limits");
        long budget = (long)Unsigned(reader, long.MaxValue, "container budget");
        ExpectKey(reader, K.LimitRunsPerSecond, "container limits");
        uint runs = (uint)Unsigned(reader, uint.MaxValue, "container runs per second");
        ExpectKey(reader, K.LimitPublishesPerSecond, "container limits");
        uint publishes = (uint)Unsigned(reader, uint.MaxValue, "container publishes per second");
        reader.ReadEndMap();
        return new ContainerLimits(budget, runs, publishes);
    }

    private static byte[] DecodeDigest(CborReader reader, string field)
    {
        if (StartArray(reader, 2, field) != 2) throw new PackageFormatException($"{field}: expected [algorithm, bytes]");
        long algorithm = Integer(reader, field + " algorithm");
        if (algorithm != K.Sha256) throw new PackageFormatException($"{field}: unsupported algorithm {algorithm} (only SHA-256, {K.Sha256})");
        byte[] digest = Bytes(reader, 32, field);
        reader.ReadEndArray();
        return digest.Length == 32 ? digest : throw new PackageFormatException($"{field}: expected 32 bytes");
    }

    private static List<T> DecodeList<T>(CborReader reader, int max, string field, Func<CborReader, T> item)
    {
        int count = StartArray(reader, max, field);
        var items = new List<T>(count);
        for (int i = 0; i < count; i++) items.Add(item(reader));
        reader.ReadEndArray();
        return items;
    }

    private static MapDefinition DecodeMap(CborReader reader)
    {
        int count = StartMap(reader, 8, "map");
        string? name = null;
        ulong? type = null, keySize = null, valueSize = null, maxEntries = null, flags = null;
        byte[]? initial = null;
        bool? readOnly = null;
        for (int i = 0, key = 0; i < count; i++)
        {
            key = Key(reader, key, "map");
            switch (key)
            {
                case K.MapName: name = Text(reader, PackageLimits.MaxNameLength, "map name"); break;
                case K.MapType: type = Unsigned(reader, uint.MaxValue, "map type"); break;
                case K.MapKeySize: keySize = Unsigned(reader, uint.MaxValue, "map key size"); break;
                case K.MapValueSize: valueSize = Unsigned(reader, uint.MaxValue, "map value size"); break;
                case K.MapMaxEntries: maxEntries = Unsigned(reader, uint.MaxValue, "map max entries"); break;
                case K.MapFlags: flags = Unsigned(reader, uint.MaxValue, "map flags"); break;
                case K.MapInitialValue: initial = Bytes(reader, PackageLimits.MaxInitialValueBytes, "map initial value"); break;
                case K.MapReadOnly:
                    if (reader.PeekState() != CborReaderState.Boolean) throw new PackageFormatException("map read-only: expected a boolean");
                    readOnly = reader.ReadBoolean();
                    break;
                default: throw new PackageFormatException($"map: unknown key {key}");
            }
        }
        reader.ReadEndMap();
        var mapType = (MapType)(uint)(type ?? throw Missing("map type"));
        if (!Enum.IsDefined(mapType)) throw new PackageFormatException($"map type: unknown {type}");
        return new MapDefinition(name ?? throw Missing("map name"), mapType,
            (uint)(keySize ?? throw Missing("map key size")), (uint)(valueSize ?? throw Missing("map value size")),
            (uint)(maxEntries ?? throw Missing("map max entries")), (uint)(flags ?? throw Missing("map flags")),
            initial, readOnly ?? throw Missing("map read-only"));
    }

    private static PackageFormatException Missing(string field) => new($"manifest: missing {field}");
}
