using System.Runtime.InteropServices;
using System.Text;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;
using static Firmware.Nano.Tests.NanoAssembly;

namespace Firmware.Nano.Tests;

/// <summary>The profile's system helpers against the core's: trace output for the subset it formats, the PRNG stream, the clock.</summary>
public unsafe class HelperTests
{
    [Theory]
    [InlineData("x=%d\n", 0xffff_fff6UL, 0UL, 0UL)]
    [InlineData("%u %x %X", 0xffff_ffffUL, 0xabcUL, 0xabcUL)]
    [InlineData("%lld %llu %llx", 0x8000_0000_0000_0000UL, ulong.MaxValue, 0x1234_5678_9abc_def0UL)]
    [InlineData("%ld|%li|%lu", 0xffff_ffff_ffff_fffeUL, 5UL, 7UL)]
    [InlineData("100%% sure", 0UL, 0UL, 0UL)]
    [InlineData("%d %d %d %d", 1UL, 2UL, 3UL)]
    [InlineData("%q", 1UL, 2UL, 3UL)]
    public void Trace_output_matches_the_hosts_trace_printk(string format, ulong a, ulong b, ulong c)
    {
        byte[] text = [.. Encoding.ASCII.GetBytes(format), 0];
        var (hostValue, hostLine) = HostTrace(text, a, b, c);
        var (deviceValue, deviceLine) = DeviceTrace(text, a, b, c);
        Assert.Equal(hostValue, deviceValue);
        Assert.Equal(hostLine, deviceLine);
    }

    [Fact]
    public void Trace_output_refuses_what_it_does_not_format_and_formats_without_a_nul()
    {
        Assert.Equal(unchecked((ulong)-22L), DeviceTrace([.. "%s"u8, 0], 0, 0, 0).Value);
        Assert.Equal(unchecked((ulong)-22L), DeviceTrace([.. "no nul"u8], 0, 0, 0).Value);
    }

    [Fact]
    public void Prandom_is_the_cores_stream_for_the_same_seed()
    {
        var host = new GetPrandomU32(12345);
        dynamic device = New("Helpers.GetPrandomU32", 12345UL);
        for (int i = 0; i < 100; i++)
            Assert.Equal(host.Invoke(null!, 0, 0, 0, 0, 0), (ulong)device.Invoke(null, 0UL, 0UL, 0UL, 0UL, 0UL));
    }

    [Fact]
    public void Ktime_counts_nanoseconds()
    {
        dynamic clock = New("Helpers.KtimeGetNs");
        ulong first = clock.Invoke(null, 0UL, 0UL, 0UL, 0UL, 0UL);
        Thread.Sleep(20);
        ulong second = clock.Invoke(null, 0UL, 0UL, 0UL, 0UL, 0UL);
        Assert.InRange(second - first, 10_000_000UL, 10_000_000_000UL);
    }

    private static (ulong Value, string? Line) HostTrace(byte[] text, ulong a, ulong b, ulong c)
    {
        var memory = (byte*)NativeMemory.Alloc((nuint)text.Length);
        try
        {
            text.CopyTo(new Span<byte>(memory, text.Length));
            var regions = new RegionTable();
            regions.Add(Region.FromLength((ulong)memory, (ulong)text.Length, Access.Read, RegionKind.Buffer));
            string? line = null;
            var context = new Ebpf.Helpers.ExecutionContext(regions, []) { Trace = l => line = l };
            ulong value = new TracePrintk().Invoke(context, (ulong)memory, (ulong)text.Length, a, b, c);
            return (value, line);
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    private static (ulong Value, string? Line) DeviceTrace(byte[] text, ulong a, ulong b, ulong c)
    {
        dynamic regions = New("Memory.RegionTable");
        regions.Add(New("Memory.Region", 0x4000_0000UL, text, Enum("Memory.Access", "Read"), Enum("Memory.RegionKind", "Buffer")));
        dynamic context = New("Helpers.HelperContext", regions, Array("Maps.Map"));
        string? line = null;
        var sink = Delegate.CreateDelegate(Type("Helpers.TraceSink"), new Action<string>(l => line = l), typeof(Action<string>).GetMethod("Invoke")!);
        context.Trace = (dynamic)sink;
        ulong value = New("Helpers.TraceOutput").Invoke(context, 0x4000_0000UL, (ulong)text.Length, a, b, c);
        return (value, line);
    }
}
