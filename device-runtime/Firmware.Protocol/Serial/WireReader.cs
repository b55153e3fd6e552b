using System.Buffers.Binary;
using System.Text;

namespace Firmware.Protocol.Serial;

/// <summary>Bounds-checked little-endian reads from a payload; a short or malformed payload throws <see cref="MessageFormatException"/>.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> payload, MessageKind kind)
{
    private ReadOnlySpan<byte> _rest = payload;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public readonly bool AtEnd => _rest.IsEmpty;

    /// <summary>A string with a one-byte length prefix.</summary>
    public string ShortString() => Utf8(Take(U8()));

    /// <summary>Everything left, as UTF-8.</summary>
    public string RestAsString() => Utf8(Take(_rest.Length));

    public ReadOnlySpan<byte> Rest() => Take(_rest.Length);

    public readonly void End()
    {
        if (!_rest.IsEmpty)
            throw new MessageFormatException($"{kind}: {_rest.Length} unexpected trailing bytes");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _rest.Length)
            throw new MessageFormatException($"{kind}: payload too short");
        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }

    private readonly string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new MessageFormatException($"{kind}: text is not UTF-8");
        }
    }
}
