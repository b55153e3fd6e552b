using System.Formats.Cbor;
using static Firmware.Protocol.Packages.CborFields;
using K = Firmware.Protocol.Packages.ManifestKeys;

namespace Firmware.Protocol.Packages;

/// <summary>
/// The native section's CBOR: <c>{1: target, 2: code, 3: [[offset, kind, value], ...], 4: stack bytes}</c>
/// (docs/package-format.md). Every key is required; relocations must lie inside the code.
/// </summary>
internal static class NativeCodec
{
    public static byte[] Encode(NativeCode native)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(4);
        writer.WriteInt32(K.NativeTarget); writer.WriteTextString(native.Target);
        writer.WriteInt32(K.NativeCode); writer.WriteByteString(native.Code);
        writer.WriteInt32(K.NativeRelocations);
        writer.WriteStartArray(native.Relocations.Count);
        foreach (var r in native.Relocations)
        {
            writer.WriteStartArray(3); writer.WriteUInt32(r.Offset); writer.WriteUInt32(r.Kind); writer.WriteUInt32(r.Value); writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteInt32(K.NativeStackBytes); writer.WriteInt32(native.StackBytes);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>Reads the section; throws <see cref="PackageFormatException"/> or the CBOR reader's exceptions.</summary>
    public static NativeCode Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new CborReader(bytes, CborConformanceMode.Canonical);
        if (StartMap(reader, 4, "native section") != 4) throw new PackageFormatException("native section: expected {1: target, 2: code, 3: relocations, 4: stack bytes}");
        ExpectKey(reader, K.NativeTarget, "native section");
        string target = Text(reader, PackageLimits.MaxNameLength, "native target");
        ExpectKey(reader, K.NativeCode, "native section");
        byte[] code = Bytes(reader, PackageLimits.MaxNativeCodeBytes, "native code");
        ExpectKey(reader, K.NativeRelocations, "native section");
        int count = StartArray(reader, PackageLimits.MaxRelocations, "relocations");
        var relocations = new List<NativeRelocation>(count);
        for (int i = 0; i < count; i++)
        {
            if (StartArray(reader, 3, "relocation") != 3) throw new PackageFormatException("relocation: expected [offset, kind, value]");
            var relocation = new NativeRelocation((uint)Unsigned(reader, uint.MaxValue, "relocation offset"),
                (uint)Unsigned(reader, uint.MaxValue, "relocation kind"), (uint)Unsigned(reader, uint.MaxValue, "relocation value"));
            reader.ReadEndArray();
            relocations.Add(relocation);
        }
        reader.ReadEndArray();
        ExpectKey(reader, K.NativeStackBytes, "native section");
        int stack = (int)Unsigned(reader, PackageLimits.MaxNativeStackBytes, "native stack bytes");
        reader.ReadEndMap();
        if (reader.BytesRemaining != 0) throw new PackageFormatException("native section: bytes after the end");
        var native = new NativeCode(target, code, relocations, stack);
        return Problem(native) is { } problem ? throw new PackageFormatException(problem) : native;
    }

    /// <summary>What makes a section unloadable whatever the device: words patched outside the code.</summary>
    public static string? Problem(NativeCode native) =>
        native.Relocations.FirstOrDefault(r => r.Offset % 4 != 0 || r.Offset > native.Code.Length - 4L) is { } bad
            ? $"relocation at offset {bad.Offset}: not a 4-byte aligned word inside the {native.Code.Length} bytes of code"
            : null;
}
