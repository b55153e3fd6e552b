using System.Collections.Frozen;

namespace Firmware.Verifier;

/// <summary>What a helper expects in one argument register.</summary>
public enum HelperArgument
{
    /// <summary>Any initialised scalar.</summary>
    Scalar,
    /// <summary>A map handle (lddw of a map).</summary>
    Map,
    /// <summary>Pointer to readable memory of the map's key size (the map is the previous argument).</summary>
    MapKey,
    /// <summary>Pointer to readable memory of the map's value size (the map is argument 1).</summary>
    MapValue,
    /// <summary>Pointer to readable memory whose size is the next argument.</summary>
    ReadableMemory,
    /// <summary>A known-bounded scalar giving the size of the previous argument's memory.</summary>
    MemorySize,
    /// <summary>A ring buffer map handle.</summary>
    RingBuffer,
}

/// <summary>What a helper leaves in r0.</summary>
public enum HelperReturn
{
    Scalar,
    /// <summary>A pointer to a value of the map in argument 1, or null: must be checked before use.</summary>
    MapValueOrNull,
}

public sealed record HelperPrototype(string Name, IReadOnlyList<HelperArgument> Arguments, HelperReturn Returns);

/// <summary>The helpers a board offers, by number; calling any other number is rejected.</summary>
public sealed class HelperPrototypes(IReadOnlyDictionary<int, HelperPrototype> prototypes)
{
    private readonly FrozenDictionary<int, HelperPrototype> _prototypes = prototypes.ToFrozenDictionary();

    public HelperPrototype? Find(int id) => _prototypes.GetValueOrDefault(id);

    public IEnumerable<int> Ids => _prototypes.Keys;

    /// <summary>The helpers of Firmware.Ebpf.Helpers.StandardHelpers, and the runtime's helpers that take guest memory.</summary>
    public static HelperPrototypes Standard { get; } = new(new Dictionary<int, HelperPrototype>
    {
        [1] = new("map_lookup_elem", [HelperArgument.Map, HelperArgument.MapKey], HelperReturn.MapValueOrNull),
        [2] = new("map_update_elem", [HelperArgument.Map, HelperArgument.MapKey, HelperArgument.MapValue, HelperArgument.Scalar], HelperReturn.Scalar),
        [3] = new("map_delete_elem", [HelperArgument.Map, HelperArgument.MapKey], HelperReturn.Scalar),
        [5] = new("ktime_get_ns", [], HelperReturn.Scalar),
        [6] = new("trace_printk", [HelperArgument.ReadableMemory, HelperArgument.MemorySize, HelperArgument.Scalar, HelperArgument.Scalar, HelperArgument.Scalar], HelperReturn.Scalar),
        [7] = new("get_prandom_u32", [], HelperReturn.Scalar),
        [8] = new("get_smp_processor_id", [], HelperReturn.Scalar),
        [130] = new("ringbuf_output", [HelperArgument.RingBuffer, HelperArgument.ReadableMemory, HelperArgument.MemorySize, HelperArgument.Scalar], HelperReturn.Scalar),
        [Firmware.Protocol.Containers.TriggerContexts.PublishHelperId] = new("fw_publish", [HelperArgument.ReadableMemory, HelperArgument.MemorySize], HelperReturn.Scalar),
    });
}
