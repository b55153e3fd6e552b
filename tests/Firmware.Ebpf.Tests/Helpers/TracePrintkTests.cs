using System.Text;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Tests.Helpers;

public class TracePrintkTests
{
    private static readonly TracePrintk Printk = new();

    /// <summary>Runs trace_printk with <paramref name="format"/> (NUL added) placed in the guest buffer; returns r0 and the traced lines.</summary>
    private static (long Result, List<string> Lines) Print(GuestMemory memory, string format, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0)
    {
        var lines = new List<string>();
        memory.Context.Trace = lines.Add;
        byte[] bytes = [.. Encoding.Latin1.GetBytes(format), 0];
        ulong address = memory.Put(memory.Size - bytes.Length, bytes);
        long result = (long)Printk.Invoke(memory.Context, address, (ulong)bytes.Length, a1, a2, a3);
        return (result, lines);
    }

    private static string Format(string format, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0)
    {
        using var memory = new GuestMemory(1024);
        var (_, lines) = Print(memory, format, a1, a2, a3);
        Assert.False(memory.Context.PendingFault.IsFault);
        return Assert.Single(lines);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("%d %i", "-1 -2", unchecked((ulong)-1L), 0xFFFF_FFFE)]
    [InlineData("%u %x %X", "4294967295 ff FF", ulong.MaxValue, 255, 255)]
    [InlineData("%ld %lu", "-5 18446744073709551615", unchecked((ulong)-5L), ulong.MaxValue)]
    [InlineData("%lld %lli %llx", "-9223372036854775808 7 deadbeefcafe", 0x8000_0000_0000_0000, 7, 0xdead_beef_cafe)]
    [InlineData("%lx", "123456789abcdef0", 0x1234_5678_9abc_def0)]
    [InlineData("%p %px", "0x1000 0xff", 0x1000, 0xff)]
    [InlineData("%c%c%c", "abc", 'a', 'b', 'c')]
    [InlineData("100%%", "100%")]
    [InlineData("[%5d] [%-5d] [%05d]", "[   42] [42   ] [00042]", 42, 42, 42)]
    [InlineData("[%+d] [% d] [%05d]", "[+3] [ 3] [-0003]", 3, 3, unchecked((ulong)-3L))]
    [InlineData("[%08lx] [%4c]", "[0000beef] [   z]", 0xbeef, 'z')]
    [InlineData("[%+u] [%+c] [%+05x]", "[7] [z] [0000f]", 7, 'z', 15)]
    [InlineData("line\n", "line")]
    public void Formats_like_the_kernel(string format, string expected, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) =>
        Assert.Equal(expected, Format(format, a1, a2, a3));

    [Fact]
    public void Returns_the_bytes_written_including_the_newline()
    {
        using var memory = new GuestMemory(256);
        var (result, lines) = Print(memory, "n=%d\n", 12);
        Assert.Equal(5, result);
        Assert.Equal(["n=12"], lines);
    }

    [Fact]
    public void Strings_are_read_from_the_regions()
    {
        using var memory = new GuestMemory(1024);
        ulong text = memory.Put(0, "hello\0ignored"u8);
        var (result, lines) = Print(memory, "[%s] [%-7s] [%s]", text, text, 0);
        Assert.Equal(["[hello] [hello  ] [(null)]"], lines);
        Assert.Equal(lines[0].Length, result);
    }

    [Fact]
    public void A_string_stops_at_its_region_end_or_at_256_bytes()
    {
        using var memory = new GuestMemory(1024);
        memory.Bytes[..600].Fill((byte)'a');
        var (_, lines) = Print(memory, "%s", memory.Address);
        Assert.Equal(new string('a', 256), Assert.Single(lines));

        ulong nearEnd = memory.Put(400, "xyz"u8);
        memory.Bytes[403..].Fill((byte)'b'); // no NUL before the region ends (the format itself sits at the end)
        var regions = new RegionTable();
        regions.Add(Region.FromLength(memory.Address, 403, Access.Read, RegionKind.Buffer));
        regions.Add(Region.FromLength(memory.Address + 1000, 24, Access.Read, RegionKind.Buffer));
        var context = new Firmware.Ebpf.Helpers.ExecutionContext(regions, memory.Maps);
        var traced = new List<string>();
        context.Trace = traced.Add;
        memory.Put(1000, "[%s]\0"u8);
        Printk.Invoke(context, memory.Address + 1000, 5, nearEnd, 0, 0);
        Assert.Equal(["[xyz]"], traced);
    }

    [Fact]
    public void A_string_outside_the_regions_is_a_fault_and_nothing_is_traced()
    {
        using var memory = new GuestMemory(256);
        ulong secret = memory.PutOutside("secret\0"u8);
        var (result, lines) = Print(memory, "%s", secret);
        Assert.Empty(lines);
        Assert.Equal(Errno.EFAULT, result);
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, secret, 1), memory.Context.PendingFault);
    }

    [Fact]
    public void A_format_outside_the_regions_is_a_fault()
    {
        using var memory = new GuestMemory(256);
        var lines = new List<string>();
        memory.Context.Trace = lines.Add;
        ulong format = memory.PutOutside("hi\0"u8);
        Assert.Equal(0UL, Printk.Invoke(memory.Context, format, 3, 0, 0, 0));
        Assert.Equal(new Fault(FaultKind.HelperFault, -1, format, 3), memory.Context.PendingFault);
        Assert.Empty(lines);
    }

    [Theory]
    [InlineData("%d %d %d %d")]
    [InlineData("%q")]
    [InlineData("%.2d")]
    [InlineData("%lc")]
    [InlineData("%ls")]
    [InlineData("%llld")]
    [InlineData("trailing %")]
    public void Formats_the_kernel_refuses_are_EINVAL(string format)
    {
        using var memory = new GuestMemory(256);
        var (result, lines) = Print(memory, format);
        Assert.Equal(Errno.EINVAL, result);
        Assert.Empty(lines);
        Assert.False(memory.Context.PendingFault.IsFault);
    }

    [Fact]
    public void A_format_without_a_NUL_inside_its_size_is_EINVAL()
    {
        using var memory = new GuestMemory(256);
        ulong format = memory.Put(0, "abc\0"u8);
        Assert.Equal(unchecked((ulong)Errno.EINVAL), Printk.Invoke(memory.Context, format, 3, 0, 0, 0));
    }

    [Fact]
    public void Output_is_bounded()
    {
        using var memory = new GuestMemory(2048);
        var (result, lines) = Print(memory, new string('x', 500) + "%20d%20d", 1, 2);
        Assert.Equal(TracePrintk.MaxOutput, result);
        Assert.Equal(TracePrintk.MaxOutput, Assert.Single(lines).Length);
    }

    [Fact]
    public void Without_a_trace_sink_the_result_is_still_the_length()
    {
        using var memory = new GuestMemory(256);
        ulong format = memory.Put(0, "abc %d\0"u8);
        Assert.Equal(6UL, Printk.Invoke(memory.Context, format, 7, 42, 0, 0));
    }
}
