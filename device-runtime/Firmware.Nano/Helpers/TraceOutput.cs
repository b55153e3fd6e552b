using Firmware.Nano.Maps;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Helpers;

/// <summary>
/// bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3) with a smaller printf subset than the host's (no flags,
/// widths, %c, %s or %p, to keep the device code small): %d %i %u %x %X with optional l or ll, and %%.
/// Anything else is -EINVAL; for what it accepts, the line and the return value (bytes formatted, at most
/// <see cref="MaxOutput"/>) match the host's helper. One trailing newline is dropped, as sinks get lines.
/// </summary>
public sealed class TraceOutput : Helper
{
    public const int MaxOutput = 512;

    public TraceOutput() : base(6, "trace_printk") { }

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var region = context.Guest(r1, r2, Access.Read);
        if (region == null) return 0;
        int start = region.IndexOf(r1), end = start + (int)r2;
        int nul = start;
        while (nul < end && region.Data[nul] != 0) nul++;
        // The kernel insists the format ends within fmt_size, so a program cannot make it read past.
        if (nul == end) return unchecked((ulong)Errno.EINVAL);
        var output = new char[MaxOutput];
        int length = 0, used = 0;
        ulong[] arguments = { r3, r4, r5 };
        for (int i = start; i < nul; i++)
        {
            char c = (char)region.Data[i];
            if (c != '%')
            {
                length = Append(output, length, c.ToString());
                continue;
            }
            if (++i < nul && region.Data[i] == '%')
            {
                length = Append(output, length, "%");
                continue;
            }
            int longs = 0;
            for (; i < nul && region.Data[i] == 'l' && longs < 2; i++) longs++;
            if (i == nul || used == arguments.Length) return unchecked((ulong)Errno.EINVAL);
            ulong argument = arguments[used++];
            switch ((char)region.Data[i])
            {
                case 'd':
                case 'i':
                    long signed = longs > 0 ? (long)argument : (int)argument;
                    length = Append(output, length, signed.ToString());
                    break;
                case 'u':
                    length = Append(output, length, (longs > 0 ? argument : (uint)argument).ToString());
                    break;
                case 'x':
                case 'X':
                    string hex = (longs > 0 ? argument : (uint)argument).ToString(region.Data[i] == 'x' ? "x" : "X");
                    length = Append(output, length, hex);
                    break;
                default:
                    return unchecked((ulong)Errno.EINVAL);
            }
        }
        if (context.Trace != null)
        {
            int lineLength = length > 0 && output[length - 1] == '\n' ? length - 1 : length;
            context.Trace(new string(output, 0, lineLength));
        }
        return (ulong)length;
    }

    private static int Append(char[] output, int length, string text)
    {
        for (int i = 0; i < text.Length && length < output.Length; i++)
            output[length++] = text[i];
        return length;
    }
}
