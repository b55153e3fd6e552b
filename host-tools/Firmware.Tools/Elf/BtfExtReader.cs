using System.Buffers.Binary;
using Firmware.Ebpf.Isa;

namespace Firmware.Tools.Elf;

/// <summary>A line_info record: <see cref="Instruction"/> is the slot index within its ELF section.</summary>
internal sealed record SectionLine(int Instruction, string File, int Line, int Column, string SourceLine);

/// <summary>
/// Reads line info from .BTF.ext (struct btf_ext_header and bpf_line_info in the kernel's btf.h). The
/// records of an object file are grouped by section name and count instruction offsets in bytes.
/// </summary>
internal static class BtfExtReader
{
    private const ushort Magic = 0xeb9f;
    private const int MinHeaderSize = 24;
    private const int MinRecordSize = 16;
    private const int LineShift = 10;
    private const int ColumnMask = (1 << LineShift) - 1;

    public static IReadOnlyDictionary<string, List<SectionLine>> ReadLines(byte[] data, Btf btf)
    {
        if (data.Length < MinHeaderSize) throw Btf.Bad($".BTF.ext is {data.Length} bytes, shorter than its header");
        var span = data.AsSpan();
        if (BinaryPrimitives.ReadUInt16LittleEndian(span) != Magic) throw Btf.Bad(".BTF.ext has a bad magic");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        if (headerLength < MinHeaderSize || headerLength > data.Length)
            throw Btf.Bad($".BTF.ext has a bad header length {headerLength}");
        var body = span[(int)headerLength..];
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        if (offset > body.Length || length > body.Length - offset)
            throw Btf.Bad($".BTF.ext line info (offset {offset}, {length} bytes) is outside the section");

        var result = new Dictionary<string, List<SectionLine>>();
        if (length == 0) return result;
        var reader = new SpanReader(body.Slice((int)offset, (int)length), ".BTF.ext line info");
        uint recordSize = reader.U32();
        if (recordSize < MinRecordSize || recordSize > length)
            throw Btf.Bad($".BTF.ext line info record size {recordSize} is invalid");
        while (!reader.AtEnd)
        {
            string section = btf.Name(reader.U32());
            uint count = reader.U32();
            if (count > reader.Remaining / recordSize)
                throw Btf.Bad($".BTF.ext line info for '{section}' claims {count} records, more than the section holds");
            if (!result.TryGetValue(section, out var lines)) result[section] = lines = [];
            for (uint i = 0; i < count; i++)
            {
                uint byteOffset = reader.U32();
                string file = btf.String(reader.U32());
                string source = btf.String(reader.U32());
                uint lineColumn = reader.U32();
                reader.Skip(recordSize - MinRecordSize);
                if (byteOffset % Instruction.Size != 0)
                    throw Btf.Bad($".BTF.ext line info offset {byteOffset} in '{section}' is not instruction aligned");
                lines.Add(new SectionLine((int)(byteOffset / Instruction.Size), file,
                    (int)(lineColumn >> LineShift), (int)(lineColumn & ColumnMask), source));
            }
        }
        return result;
    }
}
