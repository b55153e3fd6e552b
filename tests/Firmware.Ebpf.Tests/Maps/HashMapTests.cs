using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Maps;

public class HashMapTests
{
    [Fact]
    public void Inserted_keys_are_found_with_their_values()
    {
        using var map = new HashMap(Hash(keySize: 8, valueSize: 4, entries: 16));
        for (ulong k = 0; k < 16; k++)
            Assert.Equal(0, map.Update(U64(k * 977), U32((uint)k + 100), MapUpdateFlags.Any));
        Assert.Equal(16, map.Count);
        for (ulong k = 0; k < 16; k++)
            Assert.Equal(U32((uint)k + 100), At(map.Lookup(U64(k * 977)), 4));
        Assert.Equal(0UL, map.Lookup(U64(1)));
    }

    [Fact]
    public void Every_value_lies_in_the_value_region_and_is_8_aligned()
    {
        using var map = new HashMap(Hash(3, 5, 8));
        var region = map.ValueRegion;
        Assert.Equal(Access.ReadWrite, region.Access);
        Assert.Equal(RegionKind.MapValue, region.Kind);
        for (byte k = 0; k < 8; k++)
        {
            map.Update([k, 0, 0], [1, 2, 3, 4, 5], MapUpdateFlags.Any);
            ulong address = map.Lookup([k, 0, 0]);
            Assert.True(region.Allows(address, 5, Access.ReadWrite));
            Assert.Equal(0UL, address % 8);
        }
    }

    [Fact]
    public void Flags_select_create_or_replace()
    {
        using var map = new HashMap(Hash(4, 4, 4));
        Assert.Equal(Errno.ENOENT, map.Update(U32(1), U32(10), MapUpdateFlags.Exist));
        Assert.Equal(0, map.Update(U32(1), U32(10), MapUpdateFlags.NoExist));
        Assert.Equal(Errno.EEXIST, map.Update(U32(1), U32(11), MapUpdateFlags.NoExist));
        Assert.Equal(U32(10), At(map.Lookup(U32(1)), 4));
        Assert.Equal(0, map.Update(U32(1), U32(12), MapUpdateFlags.Exist));
        Assert.Equal(0, map.Update(U32(1), U32(13), MapUpdateFlags.Any));
        Assert.Equal(U32(13), At(map.Lookup(U32(1)), 4));
        Assert.Equal(Errno.EINVAL, map.Update(U32(1), U32(14), 3));
    }

    [Fact]
    public void Replacing_a_value_keeps_its_address()
    {
        using var map = new HashMap(Hash(4, 4, 4));
        map.Update(U32(1), U32(10), MapUpdateFlags.Any);
        ulong before = map.Lookup(U32(1));
        map.Update(U32(1), U32(20), MapUpdateFlags.Any);
        Assert.Equal(before, map.Lookup(U32(1)));
    }

    [Fact]
    public void A_full_map_refuses_new_keys_but_accepts_replacements()
    {
        using var map = new HashMap(Hash(4, 4, 2));
        map.Update(U32(1), U32(1), MapUpdateFlags.Any);
        map.Update(U32(2), U32(2), MapUpdateFlags.Any);
        Assert.Equal(Errno.E2BIG, map.Update(U32(3), U32(3), MapUpdateFlags.Any));
        Assert.Equal(0, map.Update(U32(2), U32(22), MapUpdateFlags.Any));
        Assert.Equal(0UL, map.Lookup(U32(3)));
    }

    [Fact]
    public void Delete_frees_the_slot_and_reports_absent_keys()
    {
        using var map = new HashMap(Hash(4, 4, 2));
        map.Update(U32(1), U32(1), MapUpdateFlags.Any);
        map.Update(U32(2), U32(2), MapUpdateFlags.Any);
        ulong stale = map.Lookup(U32(1));
        Assert.Equal(0, map.Delete(U32(1)));
        Assert.Equal(Errno.ENOENT, map.Delete(U32(1)));
        Assert.Equal(0UL, map.Lookup(U32(1)));
        Assert.Equal(U32(2), At(map.Lookup(U32(2)), 4));

        // A pointer kept across the delete still points into the map's memory, which the next insert reuses.
        Assert.True(map.ValueRegion.Allows(stale, 4, Access.Read));
        Assert.Equal(0, map.Update(U32(3), U32(3), MapUpdateFlags.NoExist));
        Assert.Equal(stale, map.Lookup(U32(3)));
    }

    [Fact]
    public void Keys_of_the_wrong_size_are_rejected()
    {
        using var map = new HashMap(Hash(4, 4, 2));
        Assert.Equal(Errno.EINVAL, map.Update(U64(1), U32(1), MapUpdateFlags.Any));
        Assert.Equal(Errno.EINVAL, map.Update(U32(1), U64(1), MapUpdateFlags.Any));
        Assert.Equal(0UL, map.Lookup(U64(1)));
        Assert.Equal(Errno.EINVAL, map.Delete(U64(1)));
    }

    [Fact]
    public void Keys_with_equal_prefixes_stay_distinct()
    {
        using var map = new HashMap(Hash(16, 8, 64));
        var key = new byte[16];
        for (byte last = 0; last < 64; last++)
        {
            key[15] = last;
            Assert.Equal(0, map.Update(key, U64(last), MapUpdateFlags.NoExist));
        }
        for (byte last = 0; last < 64; last++)
        {
            key[15] = last;
            Assert.Equal(U64(last), At(map.Lookup(key), 8));
        }
    }

    [Fact]
    public void A_disposed_map_finds_and_stores_nothing()
    {
        var map = new HashMap(Hash(4, 4, 2));
        map.Update(U32(1), U32(1), MapUpdateFlags.Any);
        map.Dispose();
        Assert.Equal(0UL, map.Lookup(U32(1)));
        Assert.Equal(Errno.E2BIG, map.Update(U32(2), U32(2), MapUpdateFlags.Any));
        Assert.Equal(0UL, map.ValueRegion.Length);
    }

    [Fact]
    public void Constructing_from_a_definition_of_another_type_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => new HashMap(Hash(4, 4, 2, MapType.LruHash)));
    }
}
