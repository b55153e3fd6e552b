using System;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY: MaxEntries values indexed by a u32 key, all present and zeroed from the start, at
/// ValueBase + index * stride; the same errno rules as Firmware.Ebpf.Maps.ArrayMap.
/// </summary>
public sealed class ArrayMap : Map
{
    private readonly Region _region;
    private readonly uint _stride;

    public ArrayMap(MapDefinition definition, ulong valueBase, ulong handle) : base(definition, valueBase, handle)
    {
        _stride = Stride(definition.ValueSize);
        var data = new byte[definition.MaxEntries * _stride];
        if (definition.InitialValue != null)
            Array.Copy(definition.InitialValue, data, definition.InitialValue.Length);
        _region = new Region(valueBase, data, definition.ReadOnly ? Access.Read : Access.ReadWrite,
            definition.InitialValue == null ? RegionKind.MapValue : RegionKind.Global);
    }

    public override Region ValueRegion => _region;

    public override ulong Lookup(byte[] key, int at)
    {
        uint index = ReadU32(key, at);
        return index < Definition.MaxEntries ? ValueBase + (ulong)index * _stride : 0;
    }

    public override long Update(byte[] key, int keyAt, byte[] value, int valueAt, ulong flags)
    {
        if (flags > MapUpdateFlags.Exist) return Errno.EINVAL;
        uint index = ReadU32(key, keyAt);
        if (index >= Definition.MaxEntries) return Errno.E2BIG;
        if (flags == MapUpdateFlags.NoExist) return Errno.EEXIST;
        if (Definition.ReadOnly) return Errno.EPERM;
        Array.Copy(value, valueAt, _region.Data, (int)(index * _stride), (int)Definition.ValueSize);
        return 0;
    }

    /// <summary>Array elements cannot be deleted.</summary>
    public override long Delete(byte[] key, int at) => Errno.EINVAL;
}
