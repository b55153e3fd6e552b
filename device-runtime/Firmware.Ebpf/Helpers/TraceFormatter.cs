using System.Globalization;
using System.Text;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Helpers;

/// <summary>
/// The printf subset the kernel's bpf_trace_printk accepts: flags <c>-0+ </c> and a width, then
/// %d %i %u %x %X with optional l or ll, %c, %s, %p (with an optional x or K suffix, always printed raw)
/// and %%. Anything else, or more than three arguments, is -EINVAL as in the kernel.
/// </summary>
internal static class TraceFormatter
{
    /// <summary>The longest %s argument read; a string stops earlier at its NUL or at the end of its region.</summary>
    public const int MaxStringArgument = 256;

    /// <summary>Formats into <paramref name="output"/> (truncating) and returns the length, or a negative errno.</summary>
    public static unsafe long Format(ExecutionContext context, ReadOnlySpan<byte> format, ReadOnlySpan<ulong> arguments, Span<char> output)
    {
        // The kernel insists the format ends within fmt_size, so a program cannot make it read past.
        int end = format.IndexOf((byte)0);
        if (end < 0) return Errno.EINVAL;
        format = format[..end];

        var writer = new BoundedWriter(output);
        Span<char> digits = stackalloc char[24];
        Span<char> text = stackalloc char[MaxStringArgument];
        int used = 0;
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                writer.Append((char)format[i]);
                continue;
            }
            if (++i < format.Length && format[i] == '%')
            {
                writer.Append('%');
                continue;
            }

            var field = new Field();
            for (; i < format.Length && "-0+ ".Contains((char)format[i]); i++)
            {
                switch (format[i])
                {
                    case (byte)'-': field.Left = true; break;
                    case (byte)'0': field.Zero = true; break;
                    case (byte)'+': field.PositiveSign = '+'; break;
                    case (byte)' ': field.PositiveSign = field.PositiveSign == '+' ? '+' : ' '; break;
                }
            }
            for (; i < format.Length && char.IsAsciiDigit((char)format[i]); i++)
                field.Width = Math.Min(field.Width * 10 + format[i] - '0', output.Length);
            int longs = 0;
            for (; i < format.Length && format[i] == 'l' && longs < 2; i++) longs++;
            if (i == format.Length || used == arguments.Length) return Errno.EINVAL;

            ulong argument = arguments[used++];
            switch ((char)format[i])
            {
                case 'd' or 'i':
                    long signed = longs > 0 ? (long)argument : (int)argument;
                    // Negating as unsigned also handles long.MinValue.
                    field.WriteNumber(ref writer, signed < 0 ? '-' : field.PositiveSign, "",
                        signed < 0 ? 0 - (ulong)signed : (ulong)signed, "D", digits);
                    break;
                case 'u' or 'x' or 'X':
                    field.WriteNumber(ref writer, '\0', "", longs > 0 ? argument : (uint)argument,
                        format[i] == 'u' ? "D" : format[i] == 'x' ? "x" : "X", digits);
                    break;
                case 'p' when longs == 0:
                    if (i + 1 < format.Length && format[i + 1] is (byte)'x' or (byte)'K') i++;
                    field.WriteNumber(ref writer, '\0', "0x", argument, "x", digits);
                    break;
                case 'c' when longs == 0:
                    text[0] = (char)(byte)argument;
                    field.WriteText(ref writer, text[..1]);
                    break;
                case 's' when longs == 0:
                    if (!TryGuestString(context, argument, out var bytes)) return Errno.EFAULT;
                    int length = Encoding.Latin1.GetChars(bytes, text);
                    field.WriteText(ref writer, text[..length]);
                    break;
                default:
                    return Errno.EINVAL;
            }
        }
        return writer.Length;
    }

    /// <summary>
    /// The NUL-terminated string at a guest address, read only inside the readable region that holds its
    /// first byte. NULL prints "(null)" as printf does; any other unreadable address is a fault.
    /// </summary>
    private static unsafe bool TryGuestString(ExecutionContext context, ulong address, out ReadOnlySpan<byte> text)
    {
        if (address == 0)
        {
            text = "(null)"u8;
            return true;
        }
        foreach (var region in context.Regions.Regions)
        {
            if (!region.Allows(address, 1, Access.Read)) continue;
            text = new ReadOnlySpan<byte>((void*)address, (int)Math.Min(MaxStringArgument, region.End - address));
            int nul = text.IndexOf((byte)0);
            if (nul >= 0) text = text[..nul];
            return true;
        }
        context.Fail(FaultKind.HelperFault, address, 1);
        text = default;
        return false;
    }

    /// <summary>One conversion's flags and width: padding, alignment, and the sign a positive number shows.</summary>
    private struct Field
    {
        public bool Left;
        public bool Zero;
        public char PositiveSign; // '+' or ' ' from the flags, '\0' for none
        public int Width;

        public readonly void WriteNumber(ref BoundedWriter writer, char sign, string prefix, ulong magnitude, string format,
            scoped Span<char> digits)
        {
            magnitude.TryFormat(digits, out int length, format, CultureInfo.InvariantCulture);
            Write(ref writer, sign, prefix, digits[..length], Zero);
        }

        public readonly void WriteText(ref BoundedWriter writer, scoped ReadOnlySpan<char> text) =>
            Write(ref writer, '\0', "", text, zeroPad: false);

        private readonly void Write(ref BoundedWriter writer, char sign, string prefix, scoped ReadOnlySpan<char> body, bool zeroPad)
        {
            int padding = Math.Max(0, Width - body.Length - prefix.Length - (sign == '\0' ? 0 : 1));
            if (!Left && !zeroPad) writer.Repeat(' ', padding);
            if (sign != '\0') writer.Append(sign);
            writer.Append(prefix);
            if (!Left && zeroPad) writer.Repeat('0', padding);
            writer.Append(body);
            if (Left) writer.Repeat(' ', padding);
        }
    }

    /// <summary>Appends to a fixed buffer and silently drops what does not fit: trace output is bounded.</summary>
    private ref struct BoundedWriter(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;

        public int Length { get; private set; }

        public void Append(char c)
        {
            if (Length < _buffer.Length) _buffer[Length++] = c;
        }

        public void Append(scoped ReadOnlySpan<char> text)
        {
            int count = Math.Min(text.Length, _buffer.Length - Length);
            text[..count].CopyTo(_buffer[Length..]);
            Length += count;
        }

        public void Repeat(char c, int count)
        {
            count = Math.Min(count, _buffer.Length - Length);
            _buffer.Slice(Length, count).Fill(c);
            Length += count;
        }
    }
}
