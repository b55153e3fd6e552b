using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

public static class MapFactory
{
    /// <summary>The live map for <paramref name="definition"/>; throws <see cref="ProgramFormatException"/> naming the map when the definition is invalid.</summary>
    public static Map Create(MapDefinition definition) => definition.Type switch
    {
        MapType.Array => new ArrayMap(definition),
        MapType.Hash => new HashMap(definition),
        MapType.LruHash => new LruHashMap(definition),
        MapType.RingBuffer => new RingBuffer(definition),
        _ => throw MapValidation.Error(definition, $"unsupported map type {(uint)definition.Type}"),
    };
}
