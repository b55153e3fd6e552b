using Firmware.Nano.Memory;

namespace Firmware.Nano.Maps;

/// <summary>
/// A live map. All values live in one byte array, the map's value region, so a pointer a lookup returns is
/// an ordinary guest address the interpreter checks like any other. Keys and values come in as
/// (array, index) pairs the caller already checked; maps copy them and keep no reference.
/// </summary>
public abstract class Map
{
    protected Map(MapDefinition definition, ulong valueBase, ulong handle)
    {
        Definition = definition;
        ValueBase = valueBase;
        Handle = handle;
    }

    public MapDefinition Definition { get; }

    /// <summary>The opaque value lddw gives the program for this map; not an address it can read.</summary>
    public ulong Handle { get; }

    /// <summary>The virtual address of the value region.</summary>
    public ulong ValueBase { get; }

    public abstract Region ValueRegion { get; }

    /// <summary>Address of the value for the key at key[at..], or 0 when absent.</summary>
    public abstract ulong Lookup(byte[] key, int at);

    /// <summary>Kernel semantics: 0, or a negative errno.</summary>
    public abstract long Update(byte[] key, int keyAt, byte[] value, int valueAt, ulong flags);

    public abstract long Delete(byte[] key, int at);

    /// <summary>Distance between values: the value size rounded up to 8, as in the .NET maps.</summary>
    public static uint Stride(uint valueSize) => (valueSize + 7) & ~7u;

    protected static uint ReadU32(byte[] data, int at) =>
        (uint)(data[at] | data[at + 1] << 8 | data[at + 2] << 16 | data[at + 3] << 24);
}
