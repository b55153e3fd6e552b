using System.Numerics;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// Checks a definition before any memory is allocated for it. Definitions come from untrusted program
/// files, so every size is checked here with a message naming the map, and the memory a map needs is
/// computed in 64 bits so that a huge max_entries cannot overflow into a small allocation.
/// </summary>
internal static class MapValidation
{
    /// <summary>The most memory one map may take, and the default budget of all of a program's maps.</summary>
    public const ulong MemoryLimit = 64UL << 20;

    /// <summary>Hash keys are copied from the program's stack, which is 512 bytes; the kernel has the same bound.</summary>
    public const uint MaxHashKeySize = 512;

    /// <summary>Validates <paramref name="definition"/> and returns the bytes it needs; throws <see cref="ProgramFormatException"/>.</summary>
    public static ulong Check(MapDefinition definition)
    {
        ulong bytes = definition.Type switch
        {
            MapType.Array => CheckArray(definition),
            MapType.Hash or MapType.LruHash => CheckHash(definition),
            MapType.RingBuffer => CheckRingBuffer(definition),
            _ => throw Error(definition, $"unsupported map type {(uint)definition.Type}"),
        };
        if (definition.ReadOnly && definition.Type != MapType.Array)
            throw Error(definition, "only array maps (global data) can be read-only");
        if (definition.InitialValue is not null && definition.Type != MapType.Array)
            throw Error(definition, "only array maps (global data) can have an initial value");
        if (bytes > MemoryLimit)
            throw Error(definition, $"needs {bytes} bytes, more than the {MemoryLimit} bytes a map may use");
        return bytes;
    }

    /// <summary>Validates and insists on the map type a constructor implements.</summary>
    public static ulong Check(MapDefinition definition, MapType expected)
    {
        if (definition.Type != expected)
            throw new ArgumentException($"map '{definition.Name}' is a {definition.Type} map, not {expected}", nameof(definition));
        return Check(definition);
    }

    public static ProgramFormatException Error(MapDefinition definition, string reason) =>
        new($"map '{definition.Name}': {reason}");

    private static ulong CheckArray(MapDefinition d)
    {
        if (d.KeySize != 4) throw Error(d, $"an array map's key size must be 4 (got {d.KeySize})");
        CheckEntries(d);
        if (d.InitialValue is { } initial && (ulong)initial.Length > d.ValueSize)
            throw Error(d, $"initial value of {initial.Length} bytes is larger than the value size {d.ValueSize}");
        return d.MaxEntries * NativeBlock.Stride(d.ValueSize);
    }

    private static ulong CheckHash(MapDefinition d)
    {
        if (d.KeySize == 0 || d.KeySize > MaxHashKeySize)
            throw Error(d, $"a hash map's key size must be 1..{MaxHashKeySize} (got {d.KeySize})");
        CheckEntries(d);
        return HashTable.Footprint(d.MaxEntries, d.KeySize, d.ValueSize) +
               (d.Type == MapType.LruHash ? RecencyList.Footprint(d.MaxEntries) : 0);
    }

    private static ulong CheckRingBuffer(MapDefinition d)
    {
        // As the kernel: a ring buffer has no keys or values, and max_entries is its size in bytes.
        if (d.KeySize != 0 || d.ValueSize != 0)
            throw Error(d, $"a ring buffer has no key or value (got key size {d.KeySize}, value size {d.ValueSize})");
        if (d.MaxEntries < 8 || !BitOperations.IsPow2(d.MaxEntries))
            throw Error(d, $"a ring buffer's size must be a power of two of at least 8 bytes (got {d.MaxEntries})");
        return d.MaxEntries;
    }

    private static void CheckEntries(MapDefinition d)
    {
        if (d.ValueSize == 0) throw Error(d, "value size must not be 0");
        if (d.MaxEntries == 0) throw Error(d, "max entries must not be 0");
    }
}
