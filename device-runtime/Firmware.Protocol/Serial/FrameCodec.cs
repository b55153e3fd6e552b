using System.Buffers.Binary;
using System.IO.Hashing;

namespace Firmware.Protocol.Serial;

/// <summary>
/// The frame layout: kind (u8), sequence (u16 LE), payload, CRC-32/IEEE (u32 LE) of everything before it;
/// COBS-encoded, with a 0x00 delimiter before and after (receivers ignore empty frames, so the leading
/// delimiter only ends whatever noise came before).
/// </summary>
public static class FrameCodec
{
    public const int HeaderBytes = 3;
    public const int CrcBytes = 4;
    public const int MaxPayload = 1024;
    public const int MaxBody = HeaderBytes + MaxPayload + CrcBytes;
    public static readonly int MaxEncoded = Cobs.MaxEncodedLength(MaxBody);

    /// <summary>The frame as sent: delimiter, COBS block, delimiter.</summary>
    public static byte[] Encode(Frame frame)
    {
        if (frame.Payload.Length > MaxPayload)
            throw new ArgumentException($"payload of {frame.Payload.Length} bytes; frames carry at most {MaxPayload}", nameof(frame));
        int bodyLength = HeaderBytes + frame.Payload.Length + CrcBytes;
        Span<byte> body = stackalloc byte[MaxBody];
        body = body[..bodyLength];
        body[0] = (byte)frame.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(body[1..], frame.Sequence);
        frame.Payload.Span.CopyTo(body[HeaderBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(body[^CrcBytes..], Crc32.HashToUInt32(body[..^CrcBytes]));
        var wire = new byte[Cobs.MaxEncodedLength(bodyLength) + 2];
        int encoded = Cobs.Encode(body, wire.AsSpan(1));
        return wire[..(encoded + 2)];
    }

    /// <summary>Decodes one COBS block (the bytes between two delimiters).</summary>
    public static FrameError TryDecode(ReadOnlySpan<byte> block, out Frame frame)
    {
        frame = default;
        if (block.Length > MaxEncoded)
            return FrameError.Overlong;
        Span<byte> body = stackalloc byte[block.Length];
        int length = Cobs.Decode(block, body);
        if (length < 0)
            return FrameError.BadEncoding;
        if (length < HeaderBytes + CrcBytes)
            return FrameError.Truncated;
        if (length > MaxBody)
            return FrameError.Overlong;
        body = body[..length];
        if (BinaryPrimitives.ReadUInt32LittleEndian(body[^CrcBytes..]) != Crc32.HashToUInt32(body[..^CrcBytes]))
            return FrameError.BadCrc;
        if (!MessageKinds.IsKnown(body[0]))
            return FrameError.UnknownKind;
        frame = new Frame((MessageKind)body[0], BinaryPrimitives.ReadUInt16LittleEndian(body[1..]), body[HeaderBytes..^CrcBytes].ToArray());
        return FrameError.None;
    }
}
