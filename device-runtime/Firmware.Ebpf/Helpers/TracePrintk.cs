using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Helpers;

/// <summary>
/// bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): formats up to three arguments and sends the line
/// to <see cref="ExecutionContext.Trace"/> (one trailing newline dropped, since the callback receives
/// lines). Returns the number of bytes formatted, at most <see cref="MaxOutput"/>, or -EINVAL for a format
/// the kernel would refuse. Formatting happens in stack memory; the only allocation is the string handed
/// to the trace callback, and only when there is one.
/// </summary>
public sealed class TracePrintk() : Helper(6, "trace_printk")
{
    public const int MaxOutput = 512;

    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (!context.TryGuestSpan(r1, r2, Access.Read, out var format)) return 0;
        Span<char> output = stackalloc char[MaxOutput];
        long length = TraceFormatter.Format(context, format, [r3, r4, r5], output);
        if (length < 0) return (ulong)length;
        if (context.Trace is { } trace)
        {
            var line = output[..(int)length];
            trace(new string(line.EndsWith('\n') ? line[..^1] : line));
        }
        return (ulong)length;
    }
}
