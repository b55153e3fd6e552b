using Firmware.Nano.Memory;

namespace Firmware.Nano.Helpers;

/// <summary>bpf_map_lookup_elem(map, key): the address of the key's value, or 0 when absent.</summary>
public sealed class MapLookupElem : Helper
{
    public MapLookupElem() : base(1, "map_lookup_elem") { }

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = context.MapFromHandle(r1);
        if (map == null) return 0;
        var key = context.Guest(r2, map.Definition.KeySize, Access.Read);
        if (key == null) return 0;
        return map.Lookup(key.Data, key.IndexOf(r2));
    }
}

/// <summary>bpf_map_update_elem(map, key, value, flags): 0 or a negative errno.</summary>
public sealed class MapUpdateElem : Helper
{
    public MapUpdateElem() : base(2, "map_update_elem") { }

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = context.MapFromHandle(r1);
        if (map == null) return 0;
        var key = context.Guest(r2, map.Definition.KeySize, Access.Read);
        if (key == null) return 0;
        var value = context.Guest(r3, map.Definition.ValueSize, Access.Read);
        if (value == null) return 0;
        return (ulong)map.Update(key.Data, key.IndexOf(r2), value.Data, value.IndexOf(r3), r4);
    }
}

/// <summary>bpf_map_delete_elem(map, key): 0 or a negative errno.</summary>
public sealed class MapDeleteElem : Helper
{
    public MapDeleteElem() : base(3, "map_delete_elem") { }

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var map = context.MapFromHandle(r1);
        if (map == null) return 0;
        var key = context.Guest(r2, map.Definition.KeySize, Access.Read);
        if (key == null) return 0;
        return (ulong)map.Delete(key.Data, key.IndexOf(r2));
    }
}
