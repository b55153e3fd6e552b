using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Helpers;

/// <summary>Helpers run on every hooked call: once warm, none of them may allocate.</summary>
public class AllocationTests
{
    [Fact]
    public void Map_ring_and_system_helpers_allocate_nothing_per_call()
    {
        using var memory = new GuestMemory(256,
            Hash(4, 8, 4), Hash(4, 8, 2, MapType.LruHash), Array(8, 4), Ring(1 << 12));
        var table = StandardHelpers.CreateTable();
        var context = memory.Context;
        ulong key = memory.Put(0, U32(1));
        ulong[] keys = [key, memory.Put(4, U32(2)), memory.Put(12, U32(3))];
        ulong value = memory.Put(16, U64(7));
        ulong format = memory.Put(32, "x=%d %s\0"u8);
        ulong text = memory.Put(48, "hi\0"u8);

        void Round()
        {
            for (int m = 0; m < 3; m++)
            {
                ulong map = memory.Maps[m].Handle;
                foreach (ulong k in keys)
                {
                    table.Find(2)!.Invoke(context, map, k, value, MapUpdateFlags.Any, 0);
                    table.Find(1)!.Invoke(context, map, k, 0, 0, 0);
                }
                table.Find(3)!.Invoke(context, map, key, 0, 0, 0);
            }
            table.Find(130)!.Invoke(context, memory.Maps[3].Handle, value, 8, 0, 0);
            ((RingBuffer)memory.Maps[3]).Drain(static _ => { });
            table.Find(5)!.Invoke(context, 0, 0, 0, 0, 0);
            table.Find(6)!.Invoke(context, format, 8, 5, text, 0);
            table.Find(7)!.Invoke(context, 0, 0, 0, 0, 0);
        }

        for (int i = 0; i < 200; i++) Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(context.PendingFault.IsFault);
    }
}
