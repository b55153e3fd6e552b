namespace Firmware.Protocol.Serial;

/// <summary>
/// Consistent Overhead Byte Stuffing (Cheshire and Baker): removes every 0x00 from a block so that 0x00
/// can delimit frames on the wire. The encoding is at most one byte longer per 254 bytes, plus one.
/// </summary>
public static class Cobs
{
    /// <summary>The largest encoding of <paramref name="length"/> bytes.</summary>
    public static int MaxEncodedLength(int length) => length + length / 254 + 1;

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int codeAt = 0;
        int write = 1;
        byte code = 1;
        foreach (byte b in source)
        {
            if (b != 0)
            {
                destination[write++] = b;
                code++;
            }
            if (b == 0 || code == 0xFF)
            {
                destination[codeAt] = code;
                codeAt = write++;
                code = 1;
            }
        }
        destination[codeAt] = code;
        return write;
    }

    /// <summary>
    /// Decodes one block (without its delimiter) into <paramref name="destination"/>, which must hold
    /// <c>source.Length</c> bytes. Returns the decoded length, or -1 when the block is not a valid
    /// encoding (a 0x00 inside it, or a code byte pointing past its end).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int read = 0;
        int write = 0;
        while (read < source.Length)
        {
            byte code = source[read++];
            if (code == 0 || read + code - 1 > source.Length)
                return -1;
            for (int i = 1; i < code; i++)
            {
                byte b = source[read++];
                if (b == 0)
                    return -1;
                destination[write++] = b;
            }
            // A full run (0xFF) carries no implied zero; the last run's zero is the frame end, not data.
            if (code != 0xFF && read < source.Length)
                destination[write++] = 0;
        }
        return write;
    }
}
