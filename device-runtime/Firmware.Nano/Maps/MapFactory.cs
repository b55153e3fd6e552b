using Firmware.Nano.Programs;

namespace Firmware.Nano.Maps;

/// <summary>Builds a map from its definition after the same size checks as the .NET runtime's MapValidation.</summary>
public static class MapFactory
{
    /// <summary>The most memory one map may take on a device; far less than the host's 64 MiB.</summary>
    public const ulong MemoryLimit = 64UL << 10;

    /// <summary>Hash keys are copied from the 512-byte stack; the kernel has the same bound.</summary>
    public const uint MaxHashKeySize = 512;

    public static Map Create(MapDefinition d, ulong valueBase, ulong handle)
    {
        if (d.ValueSize == 0) throw Error(d, "value size must not be 0");
        if (d.MaxEntries == 0) throw Error(d, "max entries must not be 0");
        if ((d.ReadOnly || d.InitialValue != null) && d.Type != MapType.Array)
            throw Error(d, "only array maps (global data) can be read-only or have an initial value");
        ulong bytes = (ulong)d.MaxEntries * Map.Stride(d.ValueSize);
        switch (d.Type)
        {
            case MapType.Array:
                if (d.KeySize != 4) throw Error(d, "an array map's key size must be 4 (got " + d.KeySize + ")");
                if (d.InitialValue != null && (ulong)d.InitialValue.Length > d.ValueSize)
                    throw Error(d, "initial value of " + d.InitialValue.Length + " bytes is larger than the value size " + d.ValueSize);
                break;
            case MapType.Hash:
                if (d.KeySize == 0 || d.KeySize > MaxHashKeySize)
                    throw Error(d, "a hash map's key size must be 1.." + MaxHashKeySize + " (got " + d.KeySize + ")");
                bytes += (ulong)d.MaxEntries * (d.KeySize + 8);
                break;
            default:
                throw Error(d, "unsupported map type " + (uint)d.Type);
        }
        if (bytes > MemoryLimit)
            throw Error(d, "needs " + bytes + " bytes, more than the " + MemoryLimit + " bytes a map may use");
        return d.Type == MapType.Array ? new ArrayMap(d, valueBase, handle) : new HashMap(d, valueBase, handle);
    }

    private static ProgramFormatException Error(MapDefinition d, string reason) =>
        new ProgramFormatException("map '" + d.Name + "': " + reason);
}
