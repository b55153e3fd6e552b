using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Helpers;

public class RingbufOutputTests
{
    private static readonly RingbufOutput Output = new();

    private static GuestMemory WithRing() => new(128, Ring(64), Array(4, 1));

    [Fact]
    public void Copies_guest_data_into_a_record()
    {
        using var memory = WithRing();
        var ring = (RingBuffer)memory.Maps[0];
        ulong data = memory.Put(0, [1, 2, 3, 4, 5]);
        Assert.Equal(0UL, Output.Invoke(memory.Context, ring.Handle, data, 5, 0, 0));
        Assert.True(ring.TryRead(out var record));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, record);
    }

    [Fact]
    public void A_full_buffer_is_ENOSPC()
    {
        using var memory = WithRing();
        var ring = (RingBuffer)memory.Maps[0];
        ulong data = memory.Put(0, new byte[56]);
        Assert.Equal(0UL, Output.Invoke(memory.Context, ring.Handle, data, 56, 0, 0));
        Assert.Equal(unchecked((ulong)Errno.ENOSPC), Output.Invoke(memory.Context, ring.Handle, data, 1, 0, 0));
    }

    [Fact]
    public void Data_outside_the_regions_is_a_fault_and_nothing_is_written()
    {
        using var memory = WithRing();
        var ring = (RingBuffer)memory.Maps[0];
        ulong data = memory.PutOutside([9, 9]);
        Assert.Equal(0UL, Output.Invoke(memory.Context, ring.Handle, data, 2, 0, 0));
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, data, 2), memory.Context.PendingFault);
        Assert.Equal(0UL, ring.PendingBytes);

        memory.Context.ResetRun();
        ulong tail = memory.Address + 120;
        Output.Invoke(memory.Context, ring.Handle, tail, 16, 0, 0);
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, tail, 16), memory.Context.PendingFault);
    }

    [Fact]
    public void Bad_flags_or_a_map_that_is_not_a_ring_buffer_are_EINVAL()
    {
        using var memory = WithRing();
        ulong data = memory.Put(0, [1]);
        Assert.Equal(unchecked((ulong)Errno.EINVAL), Output.Invoke(memory.Context, memory.Maps[0].Handle, data, 1, 4, 0));
        Assert.Equal(unchecked((ulong)Errno.EINVAL), Output.Invoke(memory.Context, memory.Maps[1].Handle, data, 1, 0, 0));
        Assert.Equal(0UL, Output.Invoke(memory.Context, memory.Maps[0].Handle, data, 1, 3, 0));
        Assert.False(memory.Context.PendingFault.IsFault);
    }

    [Fact]
    public void An_unknown_handle_is_a_fault()
    {
        using var memory = WithRing();
        Assert.Equal(0UL, Output.Invoke(memory.Context, 12345, memory.Address, 1, 0, 0));
        Assert.Equal(FaultKind.HelperFault, memory.Context.PendingFault.Kind);
    }
}
