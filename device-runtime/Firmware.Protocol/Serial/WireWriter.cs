using System.Buffers.Binary;
using System.Text;

namespace Firmware.Protocol.Serial;

/// <summary>Little-endian payload builder; strings are cut on a character boundary to the room they have.</summary>
internal sealed class WireWriter
{
    private readonly MemoryStream _bytes = new();

    public WireWriter U8(byte value)
    {
        _bytes.WriteByte(value);
        return this;
    }

    public WireWriter U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _bytes.Write(b);
        return this;
    }

    public WireWriter U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.Write(b);
        return this;
    }

    public WireWriter I64(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        _bytes.Write(b);
        return this;
    }

    public WireWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A string with a one-byte length prefix (at most 255 bytes of UTF-8).</summary>
    public WireWriter ShortString(string text)
    {
        byte[] utf8 = Truncated(text, byte.MaxValue);
        return U8((byte)utf8.Length).Bytes(utf8);
    }

    /// <summary>A string filling the rest of the payload.</summary>
    public WireWriter RestString(string text) => Bytes(Truncated(text, FrameCodec.MaxPayload - (int)_bytes.Length));

    public byte[] ToArray() => _bytes.ToArray();

    private static byte[] Truncated(string text, int maxBytes)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length <= maxBytes)
            return utf8;
        int cut = maxBytes;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
            cut--;
        return utf8[..cut];
    }
}
