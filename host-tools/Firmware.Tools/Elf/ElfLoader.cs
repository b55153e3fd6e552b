using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>
/// Loads clang -target bpf ELF objects: picks a program section, reads the object's maps (BTF, legacy
/// and global data), links the program with the .text functions it calls, applies relocations and
/// attaches BTF line info. Every problem with the input is a <see cref="ProgramFormatException"/>.
/// </summary>
public static class ElfLoader
{
    /// <summary>Loads one program section (the first when <paramref name="section"/> is null); throws <see cref="ProgramFormatException"/> on bad input.</summary>
    public static EbpfProgram Load(byte[] elf, string? section = null)
    {
        var obj = ElfObject.Parse(elf);
        var programs = ProgramSections(obj);
        var program = section is null
            ? programs[0]
            : programs.FirstOrDefault(p => p.Name == section)
                ?? throw new ProgramFormatException(
                    $"no program section '{section}' (available: {string.Join(", ", programs.Select(p => p.Name))})");

        var btf = obj.Find(".BTF") is { } btfSection ? Btf.Parse(obj.Contents(btfSection)) : null;
        var maps = MapSectionReader.Read(obj, btf);
        var linked = Relocator.Link(obj, program, maps);
        var lines = ReadLines(obj, btf, linked.Placements);

        var error = Decoder.Validate(linked.Instructions);
        if (error is not null) throw new ProgramFormatException($"section '{program.Name}': {error}");
        return new EbpfProgram(program.Name, linked.Instructions, maps.Maps, lines);
    }

    /// <summary>The names of the program sections, in file order; the first is what <see cref="Load"/> picks by default.</summary>
    public static IReadOnlyList<string> ListSections(byte[] elf) =>
        ProgramSections(ElfObject.Parse(elf)).Select(s => s.Name).ToList();

    /// <summary>
    /// Executable sections other than .text, which holds the functions programs call. An object made only
    /// of .text (plain functions, no SEC() annotation) is itself the program.
    /// </summary>
    private static List<ElfSection> ProgramSections(ElfObject obj)
    {
        var code = obj.Sections.Where(s => s.IsCode && s.Size > 0).ToList();
        var programs = code.Where(s => s.Name != Relocator.SubprogramSection).ToList();
        if (programs.Count > 0) return programs;
        return code.Count > 0 ? code : throw new ProgramFormatException("ELF object contains no code (no executable sections)");
    }

    private static List<LineInfo> ReadLines(ElfObject obj, Btf? btf, IReadOnlyList<Placement> placements)
    {
        if (obj.Find(".BTF.ext") is not { } extSection) return [];
        if (btf is null) throw Btf.Bad(".BTF.ext is present without .BTF");
        var bySection = BtfExtReader.ReadLines(obj.Contents(extSection), btf);
        var lines = new List<LineInfo>();
        foreach (var placement in placements)
        {
            if (!bySection.TryGetValue(placement.Section.Name, out var sectionLines)) continue;
            lines.AddRange(sectionLines
                .Where(l => placement.Contains(l.Instruction))
                .Select(l => new LineInfo(placement.Map(l.Instruction), l.File, l.Line, l.Column, l.SourceLine)));
        }
        return [.. lines.OrderBy(l => l.Instruction)];
    }
}
