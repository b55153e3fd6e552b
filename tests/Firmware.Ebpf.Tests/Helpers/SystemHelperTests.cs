using Firmware.Ebpf.Helpers;

namespace Firmware.Ebpf.Tests.Helpers;

public class SystemHelperTests
{
    private static ulong Call(Helper helper, GuestMemory memory) => helper.Invoke(memory.Context, 0, 0, 0, 0, 0);

    [Fact]
    public void Ktime_is_monotonic_nanoseconds()
    {
        using var memory = new GuestMemory(8);
        var ktime = new KtimeGetNs();
        ulong first = Call(ktime, memory);
        Thread.Sleep(20);
        ulong second = Call(ktime, memory);
        Assert.InRange(second - first, 15_000_000UL, 5_000_000_000UL);
    }

    [Fact]
    public void Prandom_is_32_bit_varied_and_reproducible_from_a_seed()
    {
        using var memory = new GuestMemory(8);
        var a = new GetPrandomU32(42);
        var b = new GetPrandomU32(42);
        var values = Enumerable.Range(0, 1000).Select(_ => Call(a, memory)).ToList();
        Assert.All(values, v => Assert.True(v <= uint.MaxValue));
        Assert.True(values.Distinct().Count() > 990);
        Assert.Equal(values, Enumerable.Range(0, 1000).Select(_ => Call(b, memory)));
        Assert.NotEqual(0UL, Call(new GetPrandomU32(0), memory));
    }

    [Fact]
    public void Processor_id_is_zero()
    {
        using var memory = new GuestMemory(8);
        Assert.Equal(0UL, Call(new GetSmpProcessorId(), memory));
    }

    [Fact]
    public void The_standard_table_has_the_kernel_numbers()
    {
        var table = StandardHelpers.CreateTable();
        Assert.Equal([1, 2, 3, 5, 6, 7, 8, 130], table.All.Select(h => h.Id));
        Assert.Equal("map_lookup_elem", table.Find(1)!.Name);
        Assert.Equal("trace_printk", table.Find(6)!.Name);
        Assert.Equal("ringbuf_output", table.Find(130)!.Name);
    }
}
