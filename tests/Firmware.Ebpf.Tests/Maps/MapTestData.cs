using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Tests.Maps;

/// <summary>Small builders shared by the map tests.</summary>
internal static unsafe class MapTestData
{
    public static MapDefinition Array(uint valueSize, uint entries, byte[]? initial = null, bool readOnly = false) =>
        new("array", MapType.Array, 4, valueSize, entries, InitialValue: initial, ReadOnly: readOnly);

    public static MapDefinition Hash(uint keySize, uint valueSize, uint entries, MapType type = MapType.Hash) =>
        new("hash", type, keySize, valueSize, entries);

    public static MapDefinition Ring(uint size) => new("events", MapType.RingBuffer, 0, 0, size);

    public static byte[] U32(uint value) => BitConverter.GetBytes(value);

    public static byte[] U64(ulong value) => BitConverter.GetBytes(value);

    /// <summary>The bytes at a value address a map handed out.</summary>
    public static byte[] At(ulong address, int length) => new ReadOnlySpan<byte>((void*)address, length).ToArray();
}
