using System.Buffers.Binary;
using System.Text;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>BTF type kinds (linux/btf.h).</summary>
internal enum BtfKind
{
    Void = 0,
    Int = 1,
    Ptr = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Fwd = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Func = 12,
    FuncProto = 13,
    Var = 14,
    DataSec = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

/// <summary>A struct or union member; <see cref="Offset"/> is in bits (or packed bitfield data with kind_flag).</summary>
internal sealed record BtfMember(string Name, uint Type, uint Offset);

/// <summary>A DATASEC entry: the VAR type id and where the variable sits in its section.</summary>
internal sealed record BtfSecinfo(uint Type, uint Offset, uint Size);

/// <summary>
/// One BTF type. <see cref="SizeOrType"/> is the byte size for sized kinds and the referenced type id for
/// pointers, modifiers, typedefs, functions and variables, exactly as the kernel's struct btf_type overlays them.
/// </summary>
internal sealed record BtfType(BtfKind Kind, string Name, uint SizeOrType, uint ArrayElement, uint ArrayLength,
    IReadOnlyList<BtfMember> Members, IReadOnlyList<BtfSecinfo> Secinfos);

/// <summary>
/// Reads the .BTF section (header, type section, string section; Documentation/bpf/btf.rst). Only what the
/// loader needs is kept: names, sizes, struct members, arrays and data sections; every other kind is
/// parsed just far enough to skip it. All offsets and ids are checked, so a corrupted section yields a
/// <see cref="ProgramFormatException"/> and never a wrong size.
/// </summary>
internal sealed class Btf
{
    private const ushort Magic = 0xeb9f;
    private const int HeaderSize = 24;
    private const int PointerSize = 8;
    // Deeper chains do not occur in real programs; the limit turns a cyclic (corrupted) graph into an error.
    private const int MaxChain = 64;

    private readonly byte[] _strings;
    private readonly List<BtfType> _types;

    private Btf(byte[] strings, List<BtfType> types)
    {
        _strings = strings;
        _types = types;
    }

    public static Btf Parse(byte[] data)
    {
        if (data.Length < HeaderSize) throw Bad($"section is {data.Length} bytes, shorter than its header");
        var span = data.AsSpan();
        if (BinaryPrimitives.ReadUInt16LittleEndian(span) != Magic) throw Bad("bad magic");
        if (span[2] != 1) throw Bad($"unsupported version {span[2]}");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        if (headerLength < HeaderSize || headerLength > data.Length) throw Bad($"bad header length {headerLength}");
        var body = span[(int)headerLength..];
        var typeSection = Slice(body, span[8..], "type");
        var stringSection = Slice(body, span[16..], "string");
        if (stringSection.Length == 0 || stringSection[^1] != 0) throw Bad("string section is not NUL-terminated");
        var btf = new Btf(stringSection.ToArray(), [new BtfType(BtfKind.Void, "", 0, 0, 0, [], [])]);
        btf.ReadTypes(typeSection);
        return btf;
    }

    /// <summary>A (offset, length) pair from the header, relative to the end of the header.</summary>
    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> body, ReadOnlySpan<byte> pair, string what)
    {
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(pair);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(pair[4..]);
        if (offset > body.Length || length > body.Length - offset)
            throw Bad($"{what} section (offset {offset}, {length} bytes) is outside the section");
        return body.Slice((int)offset, (int)length);
    }

    private void ReadTypes(ReadOnlySpan<byte> data)
    {
        var reader = new SpanReader(data, "BTF type section");
        while (!reader.AtEnd)
        {
            uint nameOffset = reader.U32();
            uint info = reader.U32();
            uint sizeOrType = reader.U32();
            var kind = (BtfKind)((info >> 24) & 0x1f);
            int vlen = (int)(info & 0xffff);
            string name = Name(nameOffset);
            uint element = 0, length = 0;
            IReadOnlyList<BtfMember> members = [];
            IReadOnlyList<BtfSecinfo> secinfos = [];
            switch (kind)
            {
                case BtfKind.Int or BtfKind.Var or BtfKind.DeclTag:
                    reader.Skip(4);
                    break;
                case BtfKind.Array:
                    element = reader.U32();
                    reader.Skip(4); // index type
                    length = reader.U32();
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    var list = new List<BtfMember>(vlen);
                    for (int i = 0; i < vlen; i++)
                        list.Add(new BtfMember(Name(reader.U32()), reader.U32(), reader.U32()));
                    members = list;
                    break;
                case BtfKind.Enum or BtfKind.FuncProto:
                    reader.Skip(8L * vlen);
                    break;
                case BtfKind.Enum64:
                    reader.Skip(12L * vlen);
                    break;
                case BtfKind.DataSec:
                    var entries = new List<BtfSecinfo>(vlen);
                    for (int i = 0; i < vlen; i++)
                        entries.Add(new BtfSecinfo(reader.U32(), reader.U32(), reader.U32()));
                    secinfos = entries;
                    break;
                case BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
                    or BtfKind.Restrict or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag:
                    break;
                default:
                    throw Bad($"type #{_types.Count} has unknown kind {(int)kind}");
            }
            _types.Add(new BtfType(kind, name, sizeOrType, element, length, members, secinfos));
        }
    }

    /// <summary>A NUL-terminated name from the string section.</summary>
    public string String(uint offset)
    {
        if (offset >= _strings.Length) throw Bad($"string offset {offset} is outside the string section");
        int end = Array.IndexOf(_strings, (byte)0, (int)offset);
        return Encoding.UTF8.GetString(_strings, (int)offset, end - (int)offset);
    }

    /// <summary>A string used as an identifier, safe to quote in a one-line error message.</summary>
    public string Name(uint offset) => ElfObject.Printable(String(offset));

    public BtfType Type(uint id) =>
        id < _types.Count ? _types[(int)id] : throw Bad($"type id {id} is out of range ({_types.Count} types)");

    /// <summary>The id behind typedefs and qualifiers, which never change layout.</summary>
    public uint Resolve(uint id)
    {
        for (int depth = 0; depth < MaxChain; depth++)
        {
            if (Type(id).Kind is not (BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                or BtfKind.TypeTag))
                return id;
            id = Type(id).SizeOrType;
        }
        throw Bad($"type chain at #{id} is cyclic or too deep");
    }

    public ulong SizeOf(uint id) => SizeOf(id, 0);

    private ulong SizeOf(uint id, int depth)
    {
        if (depth > MaxChain) throw Bad($"type chain at #{id} is cyclic or too deep");
        var type = Type(Resolve(id));
        return type.Kind switch
        {
            BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float
                or BtfKind.DataSec => type.SizeOrType,
            BtfKind.Ptr => PointerSize,
            BtfKind.Array => Limit(id, type.ArrayLength * SizeOf(type.ArrayElement, depth + 1)),
            _ => throw Bad($"type #{id} ({type.Kind}) has no size"),
        };
    }

    // Every size is kept below 2^32, so an array of arrays cannot overflow the multiplication above.
    private static ulong Limit(uint id, ulong size) =>
        size <= uint.MaxValue ? size : throw Bad($"type #{id} is larger than 4 GiB");

    /// <summary>The entries of the DATASEC called <paramref name="name"/>, or none when BTF does not describe it.</summary>
    public IReadOnlyList<BtfSecinfo> DataSection(string name) =>
        _types.FirstOrDefault(t => t.Kind == BtfKind.DataSec && t.Name == name)?.Secinfos ?? [];

    public static ProgramFormatException Bad(string reason) => new($"bad BTF: {reason}");
}

/// <summary>Little-endian reads from a span that report running past its end as bad BTF.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data, string what)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;
    public readonly int Remaining => _data.Length - _position;

    public uint U32()
    {
        Need(4);
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public void Skip(long bytes)
    {
        Need(bytes);
        _position += (int)bytes;
    }

    private readonly void Need(long bytes)
    {
        if (bytes > Remaining) throw Btf.Bad($"{what} is truncated at byte {_position}");
    }
}
