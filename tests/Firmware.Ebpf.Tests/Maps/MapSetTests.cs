using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Maps;

public class MapSetTests
{
    [Fact]
    public void Maps_follow_definition_order_with_distinct_unreadable_handles()
    {
        using var maps = new MapSet([Array(4, 1), Hash(4, 4, 4), Hash(4, 4, 4, MapType.LruHash), Ring(64)]);
        Assert.IsType<ArrayMap>(maps[0]);
        Assert.IsType<HashMap>(maps[1]);
        Assert.IsType<LruHashMap>(maps[2]);
        Assert.IsType<RingBuffer>(maps[3]);
        for (int i = 0; i < maps.Count; i++)
        {
            Assert.Equal(MapSet.HandleBase + (ulong)i, maps[i].Handle);
            Assert.All(maps, map => Assert.False(map.ValueRegion.Allows(maps[i].Handle, 1, Access.Read)));
        }
    }

    [Theory]
    [InlineData(MapType.Array, 8u, 4u, 1u, "key size must be 4")]
    [InlineData(MapType.Array, 4u, 0u, 1u, "value size must not be 0")]
    [InlineData(MapType.Hash, 4u, 4u, 0u, "max entries must not be 0")]
    [InlineData(MapType.Hash, 0u, 4u, 1u, "key size must be 1..512")]
    [InlineData(MapType.LruHash, 513u, 4u, 1u, "key size must be 1..512")]
    [InlineData(MapType.RingBuffer, 0u, 0u, 48u, "power of two")]
    [InlineData(MapType.RingBuffer, 0u, 0u, 4u, "power of two")]
    [InlineData(MapType.RingBuffer, 4u, 0u, 64u, "no key or value")]
    [InlineData((MapType)5, 4u, 4u, 1u, "unsupported map type 5")]
    [InlineData(MapType.Array, 4u, 4096u, 1u << 20, "more than")]
    [InlineData(MapType.Hash, 4u, 4u, uint.MaxValue, "more than")]
    public void Invalid_definitions_are_rejected_with_the_map_name(MapType type, uint keySize, uint valueSize, uint entries, string reason)
    {
        var e = Assert.Throws<ProgramFormatException>(() => new MapSet([new MapDefinition("counts", type, keySize, valueSize, entries)]));
        Assert.StartsWith("map 'counts': ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Only_arrays_hold_global_data()
    {
        var e = Assert.Throws<ProgramFormatException>(() => MapFactory.Create(new MapDefinition(".rodata", MapType.Hash, 4, 4, 1, ReadOnly: true)));
        Assert.Contains("read-only", e.Message);
        e = Assert.Throws<ProgramFormatException>(() => MapFactory.Create(Array(2, 1, initial: [1, 2, 3])));
        Assert.Contains("initial value of 3 bytes", e.Message);
    }

    [Fact]
    public void The_total_memory_budget_is_checked_before_allocating()
    {
        var half = new MapDefinition("big", MapType.Array, 4, 1024, 1024);   // 1 MiB
        var e = Assert.Throws<ProgramFormatException>(() => new MapSet([half, half with { Name = "bigger" }], memoryLimit: 3 << 19));
        Assert.Contains("map 'bigger'", e.Message);
        using var fits = new MapSet([half, half], memoryLimit: 2 << 20);
        Assert.Equal(2, fits.Count);
    }

    [Fact]
    public void The_factory_builds_each_type()
    {
        using var array = MapFactory.Create(Array(4, 1));
        using var ring = MapFactory.Create(Ring(8));
        Assert.IsType<ArrayMap>(array);
        Assert.IsType<RingBuffer>(ring);
    }
}
