using System.Buffers.Binary;
using ELFSharp.ELF.Sections;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>
/// The maps of an object in <see cref="EbpfProgram.Maps"/> order (BTF maps, legacy maps, then global data
/// sections, each in file order), and where each one lives so that relocations can name them by index.
/// </summary>
internal sealed class MapTable
{
    private readonly List<MapDefinition> _maps = [];
    private readonly Dictionary<(int Section, ulong Offset), int> _definitions = [];
    private readonly Dictionary<int, int> _dataSections = [];

    public IReadOnlyList<MapDefinition> Maps => _maps;

    public void AddDefinition(ElfSection section, ulong offset, MapDefinition map)
    {
        _definitions[(section.Index, offset)] = _maps.Count;
        _maps.Add(map);
    }

    public void AddDataSection(ElfSection section, MapDefinition map)
    {
        _dataSections[section.Index] = _maps.Count;
        _maps.Add(map);
    }

    /// <summary>The map defined at <paramref name="offset"/> of a map definition section, if any.</summary>
    public int? DefinitionAt(ElfSection section, ulong offset) =>
        _definitions.TryGetValue((section.Index, offset), out int index) ? index : null;

    /// <summary>The array map that holds a global data section, if the section is one.</summary>
    public int? DataSection(ElfSection section) => _dataSections.TryGetValue(section.Index, out int index) ? index : null;
}

/// <summary>
/// Reads map definitions: BTF-defined maps in ".maps" (libbpf's __uint/__type convention), legacy
/// struct bpf_map_def entries in "maps", and global data (.data, .rodata, .bss and their suffixed
/// variants such as .rodata.str1.1), each of which becomes a one-element array map.
/// </summary>
internal static class MapSectionReader
{
    public const string BtfMapSection = ".maps";
    public const string LegacyMapSection = "maps";

    private const int LegacyDefinitionSize = 16; // type, key_size, value_size, max_entries; map_flags optional
    private const uint DataMapKeySize = 4;

    public static MapTable Read(ElfObject elf, Btf? btf)
    {
        var table = new MapTable();
        if (elf.Find(BtfMapSection) is { } btfMaps)
        {
            if (btf is null) throw new ProgramFormatException($"section '{BtfMapSection}' needs BTF to describe its maps (compile with -g)");
            var variables = new Dictionary<string, uint>();
            foreach (var variable in btf.DataSection(BtfMapSection).Select(s => btf.Type(s.Type)))
                if (variable.Kind != BtfKind.Var || !variables.TryAdd(variable.Name, variable.SizeOrType))
                    throw Btf.Bad($"'{BtfMapSection}' entry '{variable.Name}' is not a single variable");
            foreach (var symbol in MapSymbols(elf, btfMaps))
            {
                if (!variables.TryGetValue(symbol.Name, out uint type))
                    throw new ProgramFormatException($"map '{symbol.Name}' has no BTF definition in '{BtfMapSection}'");
                table.AddDefinition(btfMaps, symbol.Value, BtfMap(symbol.Name, btf, type));
            }
        }
        if (elf.Find(LegacyMapSection) is { } legacyMaps)
        {
            byte[] bytes = elf.Contents(legacyMaps);
            foreach (var symbol in MapSymbols(elf, legacyMaps))
                table.AddDefinition(legacyMaps, symbol.Value, LegacyMap(symbol, bytes));
        }
        foreach (var section in elf.Sections.Where(IsGlobalData))
        {
            // A map's initial value is plain bytes: an address inside it would have no meaning on a device.
            if (elf.RelocationsFor(section).Count > 0)
                throw new ProgramFormatException(
                    $"global data in '{section.Name}' holds addresses (such as an array of string pointers), which programs cannot use");
            byte[] initial = elf.Contents(section);
            bool readOnly = section.Name.StartsWith(".rodata", StringComparison.Ordinal);
            table.AddDataSection(section, new MapDefinition(section.Name, MapType.Array, DataMapKeySize,
                (uint)initial.Length, 1, InitialValue: initial, ReadOnly: readOnly));
        }
        return table;
    }

    private static IEnumerable<ElfSymbol> MapSymbols(ElfObject elf, ElfSection section) =>
        elf.Symbols
            .Where(s => s.Section == section && s.Type == SymbolType.Object && s.Name.Length > 0)
            .OrderBy(s => s.Value);

    private static bool IsGlobalData(ElfSection section) =>
        section.IsAllocated && !section.IsCode && section.Size > 0
        && section.Type is SectionType.ProgBits or SectionType.NoBits
        && (IsNamed(section.Name, ".data") || IsNamed(section.Name, ".rodata") || IsNamed(section.Name, ".bss"));

    private static bool IsNamed(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>
    /// libbpf encodes each attribute in a member's type rather than a value: __uint(name, N) is
    /// <c>int (*name)[N]</c> and __type(name, T) is <c>T *name</c>.
    /// </summary>
    private static MapDefinition BtfMap(string name, Btf btf, uint variableType)
    {
        var definition = btf.Type(btf.Resolve(variableType));
        if (definition.Kind != BtfKind.Struct)
            throw new ProgramFormatException($"map '{name}': BTF definition is a {definition.Kind}, not a struct");
        uint? type = null;
        uint? keySize = null, valueSize = null;
        uint maxEntries = 0, flags = 0;
        foreach (var member in definition.Members)
        {
            switch (member.Name)
            {
                case "type": type = Number(btf, name, member); break;
                case "max_entries": maxEntries = Number(btf, name, member); break;
                case "map_flags": flags = Number(btf, name, member); break;
                case "key_size": keySize = Agree(name, "key", keySize, Number(btf, name, member)); break;
                case "value_size": valueSize = Agree(name, "value", valueSize, Number(btf, name, member)); break;
                case "key": keySize = Agree(name, "key", keySize, PointeeSize(btf, name, member)); break;
                case "value": valueSize = Agree(name, "value", valueSize, PointeeSize(btf, name, member)); break;
                default: throw new ProgramFormatException($"map '{name}': unsupported attribute '{member.Name}'");
            }
        }
        if (type is null) throw new ProgramFormatException($"map '{name}' has no type");
        return new MapDefinition(name, ToMapType(name, type.Value), keySize ?? 0, valueSize ?? 0, maxEntries, flags);
    }

    private static uint Agree(string map, string what, uint? earlier, uint size) =>
        earlier is null || earlier == size
            ? size
            : throw new ProgramFormatException($"map '{map}': {what} size given twice, as {earlier} and {size}");

    private static uint Number(Btf btf, string map, BtfMember member)
    {
        var array = btf.Type(btf.Resolve(Pointee(btf, map, member)));
        return array.Kind == BtfKind.Array
            ? array.ArrayLength
            : throw new ProgramFormatException($"map '{map}': attribute '{member.Name}' is not declared with __uint");
    }

    private static uint PointeeSize(Btf btf, string map, BtfMember member) =>
        (uint)btf.SizeOf(Pointee(btf, map, member));

    private static uint Pointee(Btf btf, string map, BtfMember member)
    {
        var pointer = btf.Type(btf.Resolve(member.Type));
        return pointer.Kind == BtfKind.Ptr
            ? pointer.SizeOrType
            : throw new ProgramFormatException($"map '{map}': attribute '{member.Name}' is not declared with __uint or __type");
    }

    private static MapDefinition LegacyMap(ElfSymbol symbol, byte[] section)
    {
        ulong size = symbol.Size == 0 ? LegacyDefinitionSize : symbol.Size;
        if (size < LegacyDefinitionSize || symbol.Value > (ulong)section.Length || size > (ulong)section.Length - symbol.Value)
            throw new ProgramFormatException(
                $"map '{symbol.Name}': definition (offset {symbol.Value}, {symbol.Size} bytes) does not fit section '{LegacyMapSection}'");
        var fields = new uint[5];
        for (int i = 0; i < fields.Length && (i + 1) * 4 <= (int)size; i++)
            fields[i] = BinaryPrimitives.ReadUInt32LittleEndian(section.AsSpan((int)symbol.Value + i * 4));
        return new MapDefinition(symbol.Name, ToMapType(symbol.Name, fields[0]), fields[1], fields[2], fields[3], fields[4]);
    }

    private static MapType ToMapType(string map, uint type) =>
        Enum.IsDefined((MapType)type)
            ? (MapType)type
            : throw new ProgramFormatException(
                $"map '{map}': unsupported map type {type} (supported: {string.Join(", ", Enum.GetValues<MapType>().Select(t => $"{t} ({(uint)t})"))})");
}
