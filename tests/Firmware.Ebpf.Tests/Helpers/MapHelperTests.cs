using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Helpers;

public class MapHelperTests
{
    private static readonly Helper Lookup = new MapLookupElem(), Update = new MapUpdateElem(), Delete = new MapDeleteElem();

    private static ulong Call(Helper helper, GuestMemory memory, ulong r1 = 0, ulong r2 = 0, ulong r3 = 0, ulong r4 = 0) =>
        helper.Invoke(memory.Context, r1, r2, r3, r4, 0);

    private static GuestMemory WithHash() => new(256, Hash(keySize: 4, valueSize: 8, entries: 4));

    [Fact]
    public void Update_lookup_delete_through_guest_pointers()
    {
        using var memory = WithHash();
        ulong map = memory.Maps[0].Handle;
        ulong key = memory.Put(0, U32(7)), value = memory.Put(8, U64(0x1122334455667788));

        Assert.Equal(0UL, Call(Update, memory, map, key, value, MapUpdateFlags.Any));
        ulong found = Call(Lookup, memory, map, key);
        Assert.True(memory.Maps[0].ValueRegion.Allows(found, 8, Access.ReadWrite));
        Assert.Equal(U64(0x1122334455667788), At(found, 8));

        Assert.Equal(0UL, Call(Delete, memory, map, key));
        Assert.Equal(0UL, Call(Lookup, memory, map, key));
        Assert.False(memory.Context.PendingFault.IsFault);
    }

    [Fact]
    public void Errors_come_back_as_sign_extended_errno()
    {
        using var memory = WithHash();
        ulong map = memory.Maps[0].Handle;
        ulong key = memory.Put(0, U32(1)), value = memory.Put(8, U64(1));
        Assert.Equal(unchecked((ulong)Errno.ENOENT), Call(Update, memory, map, key, value, MapUpdateFlags.Exist));
        Assert.Equal(unchecked((ulong)Errno.ENOENT), Call(Delete, memory, map, key));
        Call(Update, memory, map, key, value, MapUpdateFlags.Any);
        Assert.Equal(unchecked((ulong)Errno.EEXIST), Call(Update, memory, map, key, value, MapUpdateFlags.NoExist));
        Assert.Equal(unchecked((ulong)Errno.EINVAL), Call(Update, memory, map, key, value, 99));
        Assert.False(memory.Context.PendingFault.IsFault);
    }

    [Fact]
    public void A_value_may_come_from_the_map_itself()
    {
        using var memory = WithHash();
        ulong map = memory.Maps[0].Handle;
        ulong first = memory.Put(0, U32(1)), second = memory.Put(4, U32(2)), value = memory.Put(8, U64(42));
        Call(Update, memory, map, first, value, MapUpdateFlags.Any);
        ulong stored = Call(Lookup, memory, map, first);
        Assert.Equal(0UL, Call(Update, memory, map, second, stored, MapUpdateFlags.Any));
        Assert.Equal(U64(42), At(Call(Lookup, memory, map, second), 8));
    }

    [Fact]
    public void An_unknown_handle_is_a_fault()
    {
        using var memory = WithHash();
        ulong key = memory.Put(0, U32(1));
        foreach (ulong handle in new[] { 0UL, memory.Address, memory.Maps[0].Handle + 1 })
        {
            memory.Context.ResetRun();
            Assert.Equal(0UL, Call(Lookup, memory, handle, key));
            Assert.Equal(new Fault(FaultKind.HelperFault, -1, handle, 0), memory.Context.PendingFault);
        }
    }

    [Fact]
    public void A_key_outside_the_regions_is_a_fault_and_is_not_read()
    {
        using var memory = WithHash();
        ulong map = memory.Maps[0].Handle;
        ulong value = memory.Put(8, U64(5));
        ulong outsideKey = memory.PutOutside(U32(3));

        Assert.Equal(0UL, Call(Update, memory, map, outsideKey, value, MapUpdateFlags.Any));
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, outsideKey, 4), memory.Context.PendingFault);
        Assert.Equal(0UL, memory.Maps[0].Lookup(U32(3)));

        memory.Context.ResetRun();
        Assert.Equal(0UL, Call(Lookup, memory, map, outsideKey));
        Assert.Equal(FaultKind.HelperFault, memory.Context.PendingFault.Kind);

        memory.Context.ResetRun();
        memory.Maps[0].Update(U32(3), U64(5), MapUpdateFlags.Any);
        Assert.Equal(0UL, Call(Delete, memory, map, outsideKey));
        Assert.Equal(FaultKind.HelperFault, memory.Context.PendingFault.Kind);
        Assert.NotEqual(0UL, memory.Maps[0].Lookup(U32(3)));
    }

    [Fact]
    public void A_value_outside_the_regions_is_a_fault_and_the_map_is_untouched()
    {
        using var memory = WithHash();
        ulong map = memory.Maps[0].Handle;
        ulong key = memory.Put(0, U32(1));
        ulong outsideValue = memory.PutOutside(U64(9));
        Assert.Equal(0UL, Call(Update, memory, map, key, outsideValue, MapUpdateFlags.Any));
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, outsideValue, 8), memory.Context.PendingFault);
        Assert.Equal(0UL, memory.Maps[0].Lookup(U32(1)));
    }

    [Fact]
    public void A_key_straddling_the_end_of_its_region_is_a_fault()
    {
        using var memory = WithHash();
        ulong straddling = memory.Address + (ulong)memory.Size - 2;
        Assert.Equal(0UL, Call(Lookup, memory, memory.Maps[0].Handle, straddling));
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, straddling, 4), memory.Context.PendingFault);
    }

    [Fact]
    public void A_write_only_region_cannot_supply_a_key()
    {
        using var memory = WithHash();
        var regions = new RegionTable();
        regions.Add(Region.FromLength(memory.Address, (ulong)memory.Size, Access.Write, RegionKind.Buffer));
        var context = new Firmware.Ebpf.Helpers.ExecutionContext(regions, memory.Maps);
        Assert.Equal(0UL, Lookup.Invoke(context, memory.Maps[0].Handle, memory.Put(0, U32(1)), 0, 0, 0));
        Assert.Equal(FaultKind.HelperFault, context.PendingFault.Kind);
    }

    [Fact]
    public void Array_lookups_return_element_addresses()
    {
        using var memory = new GuestMemory(64, Array(valueSize: 4, entries: 3));
        var array = (ArrayMap)memory.Maps[0];
        Assert.Equal(array.BaseAddress + 16, Call(Lookup, memory, array.Handle, memory.Put(0, U32(2))));
        Assert.Equal(0UL, Call(Lookup, memory, array.Handle, memory.Put(0, U32(3))));
        Assert.Equal(unchecked((ulong)Errno.EINVAL), Call(Delete, memory, array.Handle, memory.Put(0, U32(0))));
    }
}
