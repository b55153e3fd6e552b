using System.Formats.Cbor;

namespace Firmware.Protocol.Packages;

/// <summary>Typed, bounded reads of CBOR values with errors that name the field.</summary>
internal static class CborFields
{
    public static string Text(CborReader reader, int maxLength, string field)
    {
        if (reader.PeekState() != CborReaderState.TextString) throw new PackageFormatException($"{field}: expected a text string");
        string value = reader.ReadTextString();
        return value.Length <= maxLength ? value : throw new PackageFormatException($"{field}: longer than {maxLength} characters");
    }

    public static byte[] Bytes(CborReader reader, int maxLength, string field)
    {
        if (reader.PeekState() != CborReaderState.ByteString) throw new PackageFormatException($"{field}: expected a byte string");
        // A definite length beyond the input fails before allocating, and the input is bounded by MaxPackageBytes.
        byte[] value = reader.ReadByteString();
        return value.Length <= maxLength ? value : throw new PackageFormatException($"{field}: longer than {maxLength} bytes");
    }

    public static ulong Unsigned(CborReader reader, ulong max, string field)
    {
        if (reader.PeekState() != CborReaderState.UnsignedInteger) throw new PackageFormatException($"{field}: expected an unsigned integer");
        ulong value = reader.ReadUInt64();
        return value <= max ? value : throw new PackageFormatException($"{field}: {value} is above {max}");
    }

    public static long Integer(CborReader reader, string field)
    {
        if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            throw new PackageFormatException($"{field}: expected an integer");
        return reader.ReadInt64();
    }

    public static int Length(int? length, int max, string field) => length is int n && n <= max
        ? n
        : throw new PackageFormatException($"{field}: more than {max} entries");

    public static int StartMap(CborReader reader, int max, string field)
    {
        if (reader.PeekState() != CborReaderState.StartMap) throw new PackageFormatException($"{field}: expected a map");
        return Length(reader.ReadStartMap(), max, field);
    }

    public static int StartArray(CborReader reader, int max, string field)
    {
        if (reader.PeekState() != CborReaderState.StartArray) throw new PackageFormatException($"{field}: expected an array");
        return Length(reader.ReadStartArray(), max, field);
    }

    /// <summary>Map keys in canonical order: the next key must be above the previous one, so each appears once.</summary>
    public static int Key(CborReader reader, int previous, string field)
    {
        long key = Integer(reader, field + " key");
        return key > previous && key < 256 ? (int)key : throw new PackageFormatException($"{field}: unexpected key {key}");
    }

    /// <summary>For maps with a fixed set of keys: the next key must be exactly <paramref name="expected"/>.</summary>
    public static void ExpectKey(CborReader reader, int expected, string field)
    {
        long key = Integer(reader, field + " key");
        if (key != expected) throw new PackageFormatException($"{field}: expected key {expected}, found {key}");
    }
}
