using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Helpers;

/// <summary>bpf_map_lookup_elem(map, key): the address of the key's value, or 0 when absent.</summary>
public sealed class MapLookupElem() : Helper(1, "map_lookup_elem")
{
    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperArguments.Map(context, r1) is not { } map) return 0;
        if (!context.TryGuestSpan(r2, map.Definition.KeySize, Access.Read, out var key)) return 0;
        return map.Lookup(key);
    }
}

/// <summary>bpf_map_update_elem(map, key, value, flags): 0 or a negative errno.</summary>
public sealed class MapUpdateElem() : Helper(2, "map_update_elem")
{
    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperArguments.Map(context, r1) is not { } map) return 0;
        if (!context.TryGuestSpan(r2, map.Definition.KeySize, Access.Read, out var key)) return 0;
        if (!context.TryGuestSpan(r3, map.Definition.ValueSize, Access.Read, out var value)) return 0;
        return (ulong)map.Update(key, value, r4);
    }
}

/// <summary>bpf_map_delete_elem(map, key): 0 or a negative errno.</summary>
public sealed class MapDeleteElem() : Helper(3, "map_delete_elem")
{
    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperArguments.Map(context, r1) is not { } map) return 0;
        if (!context.TryGuestSpan(r2, map.Definition.KeySize, Access.Read, out var key)) return 0;
        return (ulong)map.Delete(key);
    }
}

internal static class HelperArguments
{
    /// <summary>
    /// The map a handle argument names, or null after recording a fault: a value that is not one of the
    /// run's handles means the program computed or corrupted it. Zero never names a map, even when maps
    /// were built without a <see cref="MapSet"/> and so carry the default handle.
    /// </summary>
    public static Map? Map(ExecutionContext context, ulong handle)
    {
        var map = handle == 0 ? null : context.MapFromHandle(handle);
        if (map is null) context.Fail(FaultKind.HelperFault, handle);
        return map;
    }
}
