using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Maps;

public class LruHashMapTests
{
    private static LruHashMap Filled(uint capacity)
    {
        var map = new LruHashMap(Hash(4, 4, capacity, MapType.LruHash));
        for (uint k = 1; k <= capacity; k++) Assert.Equal(0, map.Update(U32(k), U32(k * 10), MapUpdateFlags.Any));
        return map;
    }

    [Fact]
    public void A_new_key_in_a_full_map_evicts_the_least_recently_inserted()
    {
        using var map = Filled(3);
        Assert.Equal(0, map.Update(U32(4), U32(40), MapUpdateFlags.Any));
        Assert.Equal(3, map.Count);
        Assert.Equal(0UL, map.Lookup(U32(1)));
        Assert.Equal(U32(20), At(map.Lookup(U32(2)), 4));
    }

    [Fact]
    public void Lookups_refresh_recency()
    {
        using var map = Filled(3);
        map.Lookup(U32(1));
        map.Update(U32(4), U32(40), MapUpdateFlags.Any);
        Assert.NotEqual(0UL, map.Lookup(U32(1)));
        Assert.Equal(0UL, map.Lookup(U32(2)));
    }

    [Fact]
    public void Updates_refresh_recency()
    {
        using var map = Filled(3);
        map.Update(U32(1), U32(11), MapUpdateFlags.Exist);
        map.Update(U32(4), U32(40), MapUpdateFlags.Any);
        Assert.Equal(U32(11), At(map.Lookup(U32(1)), 4));
        Assert.Equal(0UL, map.Lookup(U32(2)));
    }

    [Fact]
    public void Evictions_follow_the_recency_order()
    {
        using var map = Filled(4);
        // Recency now, most recent first: 3 1 4 2.
        map.Lookup(U32(2));
        map.Lookup(U32(4));
        map.Lookup(U32(1));
        map.Lookup(U32(3));
        for (uint k = 5; k <= 7; k++) map.Update(U32(k), U32(k), MapUpdateFlags.NoExist);
        // Probing refreshes, so look only once all three evictions happened: the three least recent (2, 4, 1) went.
        Assert.Equal(0UL, map.Lookup(U32(2)));
        Assert.Equal(0UL, map.Lookup(U32(4)));
        Assert.Equal(0UL, map.Lookup(U32(1)));
        Assert.NotEqual(0UL, map.Lookup(U32(3)));
    }

    [Fact]
    public void Deleting_makes_room_without_evicting()
    {
        using var map = Filled(3);
        Assert.Equal(0, map.Delete(U32(2)));
        Assert.Equal(0, map.Update(U32(4), U32(40), MapUpdateFlags.NoExist));
        Assert.NotEqual(0UL, map.Lookup(U32(1)));
        Assert.NotEqual(0UL, map.Lookup(U32(3)));
        Assert.Equal(Errno.ENOENT, map.Delete(U32(2)));
    }

    [Fact]
    public void Flag_errors_never_evict()
    {
        using var map = Filled(2);
        Assert.Equal(Errno.ENOENT, map.Update(U32(9), U32(9), MapUpdateFlags.Exist));
        Assert.Equal(Errno.EEXIST, map.Update(U32(1), U32(9), MapUpdateFlags.NoExist));
        Assert.NotEqual(0UL, map.Lookup(U32(1)));
        Assert.NotEqual(0UL, map.Lookup(U32(2)));
    }

    [Fact]
    public void A_one_entry_map_keeps_the_latest_key()
    {
        using var map = Filled(1);
        Assert.Equal(0, map.Update(U32(7), U32(70), MapUpdateFlags.Any));
        Assert.Equal(0UL, map.Lookup(U32(1)));
        Assert.Equal(U32(70), At(map.Lookup(U32(7)), 4));
    }
}
