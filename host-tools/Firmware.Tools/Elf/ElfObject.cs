using System.Buffers.Binary;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>One section header, copied out of ELFSharp so that later stages never touch the parser again.</summary>
internal sealed record ElfSection(int Index, string Name, SectionType Type, SectionFlags Flags, ulong Offset, ulong Size)
{
    public bool IsCode => Type == SectionType.ProgBits && Flags.HasFlag(SectionFlags.Executable);
    public bool IsAllocated => Flags.HasFlag(SectionFlags.Allocatable);
}

/// <summary>A symbol table entry; <see cref="Section"/> is null for undefined, absolute and common symbols.</summary>
internal sealed record ElfSymbol(int Index, string Name, SymbolType Type, ulong Value, ulong Size, ElfSection? Section);

/// <summary>A REL entry: <see cref="Offset"/> is a byte offset into the section the relocations apply to.</summary>
internal sealed record ElfRelocation(ulong Offset, uint Type, int SymbolIndex);

/// <summary>
/// The parts of a 64-bit little-endian EM_BPF relocatable object the loader needs. ELFSharp parses the
/// headers, names and symbols once <see cref="ElfHeaderCheck"/> has vouched for them; anything it still
/// raises becomes a <see cref="ProgramFormatException"/> here, so nothing past this class can be
/// surprised by a corrupted header.
/// </summary>
internal sealed class ElfObject
{
    private const int RelEntrySize = 16;
    // Twice the largest program the decoder accepts. Nothing the loader reads comes near it in a real
    // object, and it keeps a corrupted .bss size from allocating gigabytes of zeros.
    private const ulong MaxSectionSize = 1 << 24;

    private readonly byte[] _file;

    private ElfObject(byte[] file, IReadOnlyList<ElfSection> sections, IReadOnlyList<ElfSymbol> symbols)
    {
        _file = file;
        Sections = sections;
        Symbols = symbols;
    }

    public IReadOnlyList<ElfSection> Sections { get; }
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    public static ElfObject Parse(byte[] file)
    {
        ElfHeaderCheck.Check(file);
        try
        {
            using var elf = ELFReader.Load<ulong>(new MemoryStream(file, writable: false), shouldOwnStream: true);
            var sections = elf.Sections
                .Select((s, i) => new ElfSection(i, Printable(s.Name), s.Type, s.Flags, s.Offset, s.Size))
                .ToList();
            var symbols = new List<ElfSymbol>();
            foreach (var table in elf.GetSections<SymbolTable<ulong>>())
            {
                if (symbols.Count > 0) throw new ProgramFormatException("more than one symbol table");
                foreach (var entry in table.Entries)
                {
                    var section = entry.IsPointedIndexSpecial || entry.PointedSectionIndex >= sections.Count
                        ? null
                        : sections[entry.PointedSectionIndex];
                    // Section symbols have no name of their own; relocations against them read better with the section's.
                    string name = entry.Type == SymbolType.Section && section is not null ? section.Name : Printable(entry.Name);
                    symbols.Add(new ElfSymbol(symbols.Count, name, entry.Type, entry.Value, entry.Size, section));
                }
            }
            return new ElfObject(file, sections, symbols);
        }
        catch (Exception e) when (e is not ProgramFormatException)
        {
            throw new ProgramFormatException($"malformed ELF object: {Printable(e.Message)}");
        }
    }

    /// <summary>
    /// Names end up in error messages, which must stay on one line whatever a corrupted file holds; valid
    /// objects never have control characters in names, so lookups are unaffected.
    /// </summary>
    public static string Printable(string? name) =>
        name is null ? "" : string.Create(name.Length, name, (span, n) =>
        {
            for (int i = 0; i < n.Length; i++) span[i] = char.IsControl(n[i]) ? '?' : n[i];
        });

    public ElfSection? Find(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>The bytes of a section (zeros for NOBITS); <see cref="ElfHeaderCheck"/> has put every other section inside the file.</summary>
    public byte[] Contents(ElfSection section)
    {
        if (section.Size > MaxSectionSize)
            throw new ProgramFormatException($"section '{section.Name}' is too large ({section.Size} bytes, at most {MaxSectionSize})");
        return section.Type == SectionType.NoBits
            ? new byte[section.Size]
            : _file.AsSpan((int)section.Offset, (int)section.Size).ToArray();
    }

    /// <summary>
    /// The REL entries that apply to <paramref name="target"/>. ELFSharp does not expose sh_info, so the
    /// relocation section is found by the name every ELF producer gives it: ".rel" + the target's name.
    /// </summary>
    public IReadOnlyList<ElfRelocation> RelocationsFor(ElfSection target)
    {
        if (Find(".rela" + target.Name) is { Type: SectionType.RelocationAddends })
            throw new ProgramFormatException($"section '{target.Name}' has RELA relocations; eBPF objects use REL");
        if (Find(".rel" + target.Name) is not { Type: SectionType.Relocation } rel) return [];
        byte[] bytes = Contents(rel);
        if (bytes.Length % RelEntrySize != 0)
            throw new ProgramFormatException($"relocation section '{rel.Name}' size {bytes.Length} is not a multiple of {RelEntrySize}");
        var result = new ElfRelocation[bytes.Length / RelEntrySize];
        for (int i = 0; i < result.Length; i++)
        {
            var entry = bytes.AsSpan(i * RelEntrySize, RelEntrySize);
            ulong info = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            ulong symbol = info >> 32;
            result[i] = new ElfRelocation(BinaryPrimitives.ReadUInt64LittleEndian(entry), (uint)info,
                symbol > int.MaxValue ? int.MaxValue : (int)symbol);
        }
        return result;
    }

    public ElfSymbol Symbol(int index, string context) =>
        index > 0 && index < Symbols.Count
            ? Symbols[index]
            : throw new ProgramFormatException($"{context}: relocation refers to unknown symbol #{index}");
}
