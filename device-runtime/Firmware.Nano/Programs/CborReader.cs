namespace Firmware.Nano.Programs;

/// <summary>
/// The part of CBOR (RFC 8949) a package uses, read from a byte array: unsigned integers, byte and text
/// strings, arrays, maps, tags, booleans, definite lengths only. Every length is checked against the input
/// before use, so a hostile declared length fails instead of allocating. nanoFramework has no CBOR library.
/// </summary>
public sealed class CborReader
{
    public const int UnsignedInteger = 0, NegativeInteger = 1, ByteString = 2, TextString = 3, Array = 4, Map = 5, Tag = 6, Simple = 7;

    private readonly byte[] _data;
    private readonly int _end;

    public CborReader(byte[] data) : this(data, 0, data.Length) { }

    public CborReader(byte[] data, int start, int length)
    {
        _data = data;
        Position = start;
        _end = start + length;
    }

    public int Position { get; private set; }
    public bool AtEnd => Position == _end;

    public int PeekMajor()
    {
        Need(1);
        return _data[Position] >> 5;
    }

    public ulong ReadUInt() => Header(UnsignedInteger);

    public int ReadLength(int major)
    {
        ulong length = Header(major);
        // Every string byte, array item or map entry takes at least one byte of input.
        if (length > (ulong)(_end - Position)) throw Error("length " + length + " is larger than the input left");
        return (int)length;
    }

    public byte[] ReadBytes()
    {
        int length = ReadLength(ByteString);
        Need(length);
        var bytes = new byte[length];
        System.Array.Copy(_data, Position, bytes, 0, length);
        Position += length;
        return bytes;
    }

    /// <summary>Where a byte string's contents start, and its length; the reader moves past it.</summary>
    public int ReadBytesInPlace(out int length)
    {
        length = ReadLength(ByteString);
        Need(length);
        int start = Position;
        Position += length;
        return start;
    }

    public string ReadText()
    {
        int length = ReadLength(TextString);
        Need(length);
        string text = Utf8.Decode(_data, Position, length);
        Position += length;
        return text;
    }

    public bool ReadBool()
    {
        Need(1);
        byte b = _data[Position++];
        if (b == 0xf4) return false;
        if (b == 0xf5) return true;
        throw Error("expected a boolean");
    }

    /// <summary>Packages nest a few levels; a deeper item is refused rather than recursed into (the stack is small).</summary>
    public const int MaxDepth = 16;

    /// <summary>Skips one whole data item, nested items included.</summary>
    public void Skip() => Skip(0);

    private void Skip(int depth)
    {
        if (depth > MaxDepth) throw Error("items nest deeper than " + MaxDepth);
        int major = PeekMajor();
        ulong argument = Header(major);
        switch (major)
        {
            case ByteString:
            case TextString:
                Need(argument > int.MaxValue ? int.MaxValue : (int)argument);
                Position += (int)argument;
                break;
            case Array:
                for (ulong i = 0; i < argument; i++) Skip(depth + 1);
                break;
            case Map:
                for (ulong i = 0; i < argument; i++)
                {
                    Skip(depth + 1);
                    Skip(depth + 1);
                }
                break;
            case Tag:
                Skip(depth + 1);
                break;
        }
    }

    /// <summary>Reads an item's initial byte and argument, insisting on the major type.</summary>
    private ulong Header(int major)
    {
        Need(1);
        int initial = _data[Position];
        if (initial >> 5 != major) throw Error("expected major type " + major + ", found " + (initial >> 5));
        Position++;
        int info = initial & 0x1f;
        if (info < 24) return (ulong)info;
        int bytes = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : -1;
        if (bytes < 0) throw Error("indefinite or reserved length");
        Need(bytes);
        ulong value = 0;
        for (int i = 0; i < bytes; i++) value = (value << 8) | _data[Position++];
        return value;
    }

    private void Need(int count)
    {
        if (count < 0 || count > _end - Position) throw Error("truncated");
    }

    private ProgramFormatException Error(string reason) =>
        new ProgramFormatException("package: bad CBOR at byte " + Position + ": " + reason);
}
