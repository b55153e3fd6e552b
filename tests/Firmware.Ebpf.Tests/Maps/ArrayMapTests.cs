using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Maps;

public class ArrayMapTests
{
    [Fact]
    public void Elements_are_zeroed_and_spaced_by_the_value_size_rounded_to_8()
    {
        using var map = new ArrayMap(Array(valueSize: 12, entries: 4));
        Assert.Equal(16UL, map.Stride);
        Assert.Equal(0UL, map.BaseAddress % 8);
        for (uint i = 0; i < 4; i++)
        {
            ulong address = map.Lookup(U32(i));
            Assert.Equal(map.BaseAddress + i * 16, address);
            Assert.Equal(new byte[12], At(address, 12));
        }
        Assert.Equal(Region.FromLength(map.BaseAddress, 64, Access.ReadWrite, RegionKind.MapValue), map.ValueRegion);
    }

    [Fact]
    public void Out_of_range_index_or_wrong_key_size_finds_nothing()
    {
        using var map = new ArrayMap(Array(8, 4));
        Assert.Equal(0UL, map.Lookup(U32(4)));
        Assert.Equal(0UL, map.Lookup(U32(uint.MaxValue)));
        Assert.Equal(0UL, map.Lookup(U64(1)));
    }

    [Fact]
    public void Update_copies_the_value_in_place()
    {
        using var map = new ArrayMap(Array(4, 2));
        Assert.Equal(0, map.Update(U32(1), [1, 2, 3, 4], MapUpdateFlags.Any));
        Assert.Equal(0, map.Update(U32(1), [5, 6, 7, 8], MapUpdateFlags.Exist));
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, At(map.Lookup(U32(1)), 4));
        Assert.Equal(new byte[4], At(map.Lookup(U32(0)), 4));
    }

    [Fact]
    public void Update_errors_follow_the_kernel()
    {
        using var map = new ArrayMap(Array(4, 2));
        byte[] value = [1, 2, 3, 4];
        Assert.Equal(Errno.EEXIST, map.Update(U32(0), value, MapUpdateFlags.NoExist));
        Assert.Equal(Errno.E2BIG, map.Update(U32(2), value, MapUpdateFlags.Any));
        Assert.Equal(Errno.EINVAL, map.Update(U32(0), value, 4));
        Assert.Equal(Errno.EINVAL, map.Update(U32(0), [1, 2], MapUpdateFlags.Any));
        Assert.Equal(new byte[4], At(map.Lookup(U32(0)), 4));
    }

    [Fact]
    public void Elements_cannot_be_deleted()
    {
        using var map = new ArrayMap(Array(4, 2));
        Assert.Equal(Errno.EINVAL, map.Delete(U32(0)));
        Assert.NotEqual(0UL, map.Lookup(U32(0)));
    }

    [Fact]
    public void Global_data_starts_with_the_section_contents()
    {
        using var map = new ArrayMap(Array(valueSize: 6, entries: 1, initial: [1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3, 0, 0, 0 }, At(map.Lookup(U32(0)), 6));
        Assert.Equal(RegionKind.Global, map.ValueRegion.Kind);
        Assert.Equal(Access.ReadWrite, map.ValueRegion.Access);
    }

    [Fact]
    public void Rodata_is_read_only_to_the_program_and_to_updates()
    {
        using var map = new ArrayMap(Array(4, 1, initial: [9, 9, 9, 9], readOnly: true));
        Assert.Equal(Access.Read, map.ValueRegion.Access);
        Assert.Equal(Errno.EPERM, map.Update(U32(0), [1, 2, 3, 4], MapUpdateFlags.Any));
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, At(map.Lookup(U32(0)), 4));
    }

    [Fact]
    public void A_disposed_map_finds_nothing_and_grants_no_region()
    {
        var map = new ArrayMap(Array(4, 2));
        map.Dispose();
        Assert.Equal(0UL, map.Lookup(U32(0)));
        Assert.Equal(0UL, map.ValueRegion.Length);
        Assert.Equal(Errno.E2BIG, map.Update(U32(0), [1, 2, 3, 4], MapUpdateFlags.Any));
    }
}
