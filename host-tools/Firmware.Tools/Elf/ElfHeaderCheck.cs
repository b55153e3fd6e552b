using System.Buffers.Binary;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>
/// Checks the raw ELF header, section headers and symbol table before ELFSharp reads them. ELFSharp
/// accepts any machine and byte order, reads every name and symbol eagerly, and on a corrupted offset
/// either fails with a message that names nothing (an index out of range) or walks a huge bogus table;
/// these checks turn each of those cases into an error that says what is wrong and where.
/// </summary>
internal static class ElfHeaderCheck
{
    private const ushort EmBpf = 247;
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const ushort RelocatableType = 1;
    private const int SymbolSize = 24;
    private const uint SymbolTableType = 2;
    private const uint StringTableType = 3;
    private const uint NoBitsType = 8;

    public static void Check(byte[] file)
    {
        if (file is not [0x7f, (byte)'E', (byte)'L', (byte)'F', ..])
            throw new ProgramFormatException("not an ELF object (bad magic)");
        if (file.Length < HeaderSize)
            throw new ProgramFormatException($"truncated ELF header: {file.Length} bytes, expected at least {HeaderSize}");
        switch (file[4])
        {
            case 1: throw new ProgramFormatException("32-bit ELF object; eBPF objects are 64-bit (ELFCLASS64)");
            case not 2: throw new ProgramFormatException($"unknown ELF class {file[4]}");
        }
        switch (file[5])
        {
            case 2: throw new ProgramFormatException("big-endian ELF object; only little-endian eBPF is supported (clang -target bpfel or bpf)");
            case not 1: throw new ProgramFormatException($"unknown ELF byte order {file[5]}");
        }
        if (file[6] != 1 || BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)) != 1)
            throw new ProgramFormatException("unknown ELF version (expected 1)");
        ushort machine = U16(file, 18);
        if (machine != EmBpf)
            throw new ProgramFormatException($"ELF machine is {MachineName(machine)}, not eBPF (EM_BPF, 247)");

        ushort type = U16(file, 16);
        if (type != RelocatableType)
            throw new ProgramFormatException($"ELF type is {type}, not a relocatable object (ET_REL, what clang -c writes)");
        // Relocatable objects have no program headers, but ELFSharp reads whatever e_phnum claims.
        if (U16(file, 0x38) != 0) throw new ProgramFormatException("relocatable ELF object has program headers");

        ulong shoff = U64(file, 0x28);
        ushort shentsize = U16(file, 0x3a);
        ushort shnum = U16(file, 0x3c);
        ushort shstrndx = U16(file, 0x3e);
        if (shnum == 0) throw new ProgramFormatException("ELF object has no section headers");
        if (shentsize != SectionHeaderSize)
            throw new ProgramFormatException($"ELF section header size is {shentsize}, expected {SectionHeaderSize}");
        if (!Inside(file, shoff, (ulong)shnum * SectionHeaderSize))
            throw new ProgramFormatException(
                $"section header table ({shnum} entries at offset 0x{shoff:x}) is outside the file ({file.Length} bytes)");
        if (shstrndx == 0 || shstrndx >= shnum)
            throw new ProgramFormatException($"section name table index {shstrndx} is invalid ({shnum} sections)");

        var headers = Enumerable.Range(0, shnum).Select(i => new RawSection(file, (int)shoff + i * SectionHeaderSize)).ToList();
        var names = headers[shstrndx];
        if (names.Type != NoBitsType && !Inside(file, names.Offset, names.Size))
            throw new ProgramFormatException(
                $"section name table (offset 0x{names.Offset:x}, {names.Size} bytes) is outside the file ({file.Length} bytes)");
        CheckNames(file, names, headers.Select(h => (ulong)h.Name), "section name");
        foreach (var header in headers.Skip(1))
            if (header.Type != NoBitsType && !Inside(file, header.Offset, header.Size))
                throw new ProgramFormatException(
                    $"section '{NameAt(file, names, header.Name)}' (offset 0x{header.Offset:x}, {header.Size} bytes) is outside the file ({file.Length} bytes)");
        foreach (var symbols in headers.Where(h => h.Type == SymbolTableType))
            CheckSymbols(file, headers, symbols);
    }

    private static string NameAt(byte[] file, RawSection table, uint offset)
    {
        var name = file.AsSpan((int)(table.Offset + offset), (int)(table.Size - offset));
        return ElfObject.Printable(System.Text.Encoding.UTF8.GetString(name[..name.IndexOf((byte)0)]));
    }

    private static void CheckSymbols(byte[] file, List<RawSection> headers, RawSection symbols)
    {
        if (symbols.Size % SymbolSize != 0)
            throw new ProgramFormatException($"symbol table size {symbols.Size} is not a multiple of {SymbolSize}");
        if (symbols.Link >= headers.Count || headers[(int)symbols.Link].Type != StringTableType)
            throw new ProgramFormatException($"symbol table names section #{symbols.Link}, which is not a string table");
        var names = Enumerable.Range(0, (int)(symbols.Size / SymbolSize))
            .Select(i => (ulong)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)symbols.Offset + i * SymbolSize)));
        CheckNames(file, headers[(int)symbols.Link], names, "symbol name");
    }

    private static void CheckNames(byte[] file, RawSection table, IEnumerable<ulong> offsets, string what)
    {
        if (table.Type != StringTableType)
            throw new ProgramFormatException($"{what} table is not a string table");
        foreach (ulong offset in offsets)
            if (offset >= table.Size)
                throw new ProgramFormatException($"{what} offset {offset} is outside its string table ({table.Size} bytes)");
        if (table.Size > 0 && file[(int)(table.Offset + table.Size - 1)] != 0)
            throw new ProgramFormatException($"{what} table does not end with a NUL byte");
    }

    private static bool Inside(byte[] file, ulong offset, ulong size) =>
        offset <= (ulong)file.Length && size <= (ulong)file.Length - offset;

    private static ushort U16(byte[] file, int at) => BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at));
    private static ulong U64(byte[] file, int at) => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));

    private static string MachineName(ushort machine) => machine switch
    {
        3 => "x86 (3)",
        40 => "ARM (40)",
        62 => "x86-64 (62)",
        183 => "AArch64 (183)",
        243 => "RISC-V (243)",
        _ => machine.ToString(),
    };

    /// <summary>The Elf64_Shdr fields the checks need.</summary>
    private readonly record struct RawSection(uint Name, uint Type, ulong Offset, ulong Size, uint Link)
    {
        public RawSection(byte[] file, int at) : this(
            BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)),
            BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4)),
            BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at + 0x18)),
            BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at + 0x20)),
            BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 0x28)))
        {
        }
    }
}
