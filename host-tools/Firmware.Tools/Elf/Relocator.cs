using ELFSharp.ELF.Sections;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>Where slots [Start, Start + Count) of a code section landed in the linked program.</summary>
internal sealed record Placement(ElfSection Section, int Start, int Count, int Base)
{
    public bool Contains(int slot) => slot >= Start && slot < Start + Count;
    public int Map(int slot) => Base + slot - Start;
}

/// <summary>A program section with the .text functions it calls appended, and where every piece went.</summary>
internal sealed record LinkedCode(Instruction[] Instructions, IReadOnlyList<Placement> Placements);

/// <summary>
/// Links one program section into a flat instruction array, as libbpf does before loading: the .text
/// functions it reaches through bpf-to-bpf calls are appended after it (transitively, each once), call
/// offsets are recomputed for the new layout, and lddw relocations become map references by index.
/// </summary>
internal sealed class Relocator
{
    private const uint RelocationNone = 0;
    private const uint Relocation64 = 1;        // R_BPF_64_64: lddw of a map, global data or function address
    private const uint RelocationAbs64 = 2;     // the three data relocations belong in debug info and BTF.ext
    private const uint RelocationAbs32 = 3;
    private const uint RelocationNoDyld32 = 4;
    private const uint RelocationCall = 10;     // R_BPF_64_32: call of a function in another section or a global one
    /// <summary>Where clang puts functions that are not programs; only these can be called.</summary>
    public const string SubprogramSection = ".text";

    private readonly ElfObject _elf;
    private readonly ElfSection _program;
    private readonly MapTable _maps;
    private readonly List<Placement> _placements = [];
    private readonly List<Instruction> _code = [];
    private readonly Dictionary<ElfSection, Instruction[]> _slots = [];

    private Relocator(ElfObject elf, ElfSection program, MapTable maps)
    {
        _elf = elf;
        _program = program;
        _maps = maps;
    }

    public static LinkedCode Link(ElfObject elf, ElfSection program, MapTable maps)
    {
        var relocator = new Relocator(elf, program, maps);
        relocator.Place(program, 0, relocator.Slots(program).Length);
        // Relocating a placement can append more; the loop picks those up as the list grows.
        for (int i = 0; i < relocator._placements.Count; i++)
            relocator.Relocate(relocator._placements[i]);
        return new LinkedCode([.. relocator._code], relocator._placements);
    }

    private Instruction[] Slots(ElfSection section)
    {
        if (_slots.TryGetValue(section, out var slots)) return slots;
        byte[] bytes = _elf.Contents(section);
        if (bytes.Length % Instruction.Size != 0)
            throw new ProgramFormatException($"section '{section.Name}' is {bytes.Length} bytes, not a whole number of instructions");
        return _slots[section] = Instruction.ReadAll(bytes);
    }

    private int Place(ElfSection section, int start, int count)
    {
        var placement = new Placement(section, start, count, _code.Count);
        _placements.Add(placement);
        _code.AddRange(Slots(section).AsSpan(start, count));
        return placement.Base;
    }

    private void Relocate(Placement placement)
    {
        var section = placement.Section;
        var slots = Slots(section);
        var bySlot = new Dictionary<int, ElfRelocation>();
        foreach (var relocation in _elf.RelocationsFor(section))
        {
            if (relocation.Offset >= (ulong)slots.Length * Instruction.Size)
                throw new ProgramFormatException(
                    $"section '{section.Name}': relocation at byte offset {relocation.Offset} is outside the section");
            int slot = (int)(relocation.Offset / Instruction.Size);
            if (relocation.Type == RelocationNone || !placement.Contains(slot)) continue;
            if (relocation.Offset % Instruction.Size != 0 || !bySlot.TryAdd(slot, relocation))
                throw new ProgramFormatException(
                    $"{Where(section, slot)}: relocation at byte offset {relocation.Offset} does not start an instruction or repeats one");
        }

        int end = placement.Start + placement.Count;
        for (int slot = placement.Start; slot < end; slot++)
        {
            var insn = slots[slot];
            if (bySlot.Remove(slot, out var relocation))
                Apply(placement, slot, relocation);
            else if (IsLocalCall(insn))
                SetCallTarget(placement, slot, Locate(section, slot + 1L + insn.Imm, slot));
            if (insn.IsLddw) slot++;
        }
        if (bySlot.Count > 0)
        {
            int slot = bySlot.Keys.Min();
            throw new ProgramFormatException($"{Where(section, slot)}: relocation points into the second half of a lddw");
        }
    }

    private static bool IsLocalCall(Instruction insn) => insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Local;

    private void Apply(Placement placement, int slot, ElfRelocation relocation)
    {
        var section = placement.Section;
        var insn = Slots(section)[slot];
        string where = Where(section, slot);
        var symbol = _elf.Symbol(relocation.SymbolIndex, where);
        switch (relocation.Type)
        {
            case RelocationCall:
                if (!IsLocalCall(insn))
                    throw new ProgramFormatException($"{where}: call relocation against '{symbol.Name}' is on opcode 0x{insn.Opcode:x2}, not a bpf-to-bpf call");
                if (symbol.Section is null)
                    throw new ProgramFormatException($"{where}: call to missing function '{symbol.Name}' (it is declared but not defined in this object)");
                if (!symbol.Section.IsCode)
                    throw new ProgramFormatException($"{where}: call to '{symbol.Name}', which is not code");
                // For a function symbol the immediate is -1; for a section symbol it is the target's slot - 1.
                SetCallTarget(placement, slot, Locate(symbol.Section, SlotOf(symbol.Value, where) + insn.Imm + 1L, slot));
                break;
            case Relocation64:
                if (!insn.IsLddw || slot + 1 >= placement.Start + placement.Count)
                    throw new ProgramFormatException($"{where}: relocation against '{symbol.Name}' is on opcode 0x{insn.Opcode:x2}, not a complete lddw");
                ApplyLddw(placement, slot, symbol, where);
                break;
            case RelocationAbs64 or RelocationAbs32 or RelocationNoDyld32:
                throw new ProgramFormatException($"{where}: data relocation (type {relocation.Type}) against '{symbol.Name}' is not valid in code");
            default:
                throw new ProgramFormatException($"{where}: unknown relocation type {relocation.Type} against '{symbol.Name}'");
        }
    }

    private void ApplyLddw(Placement placement, int slot, ElfSymbol symbol, string where)
    {
        var insn = Slots(placement.Section)[slot];
        int pc = placement.Map(slot);
        var target = symbol.Section
            ?? throw new ProgramFormatException($"{where}: lddw of undefined symbol '{symbol.Name}' (extern variables are not supported)");
        // REL relocations keep the addend in the instruction: lddw of "&array[2]" holds 2 * sizeof(element).
        long offset = (long)Math.Min(symbol.Value, long.MaxValue) + insn.Imm;
        if (offset < 0 || (ulong)offset > target.Size)
            throw new ProgramFormatException($"{where}: lddw of '{symbol.Name}' + {insn.Imm} is outside section '{target.Name}'");

        if (target.IsCode)
        {
            int function = Locate(target, SlotOf((ulong)offset, where), slot);
            _code[pc] = insn with { Src = (byte)LddwKind.CodeAddress, Imm = function - (pc + 1) };
            _code[pc + 1] = _code[pc + 1] with { Imm = 0 };
        }
        else if (_maps.DataSection(target) is int data)
        {
            _code[pc] = insn with { Src = (byte)LddwKind.MapValueByIndex, Imm = data };
            _code[pc + 1] = _code[pc + 1] with { Imm = (int)offset };
        }
        else if (_maps.DefinitionAt(target, (ulong)offset) is int map)
        {
            _code[pc] = insn with { Src = (byte)LddwKind.MapByIndex, Imm = map };
            _code[pc + 1] = _code[pc + 1] with { Imm = 0 };
        }
        else
        {
            throw new ProgramFormatException($"{where}: lddw of '{symbol.Name}' in section '{target.Name}', which is neither a map nor global data");
        }
    }

    private void SetCallTarget(Placement placement, int slot, int target)
    {
        int pc = placement.Map(slot);
        _code[pc] = _code[pc] with { Imm = target - (pc + 1) };
    }

    /// <summary>
    /// The linked index of slot <paramref name="target"/> of <paramref name="section"/>, appending the
    /// .text function that contains it when it is not placed yet.
    /// </summary>
    private int Locate(ElfSection section, long target, int fromSlot)
    {
        var slots = Slots(section);
        if (target < 0 || target >= slots.Length)
            throw new ProgramFormatException($"{Where(section, fromSlot)}: call target {target} is outside section '{section.Name}'");
        int index = (int)target;
        if (section == _program) return index;
        if (section.Name != SubprogramSection)
            throw new ProgramFormatException(
                $"{Where(section, fromSlot)}: reference into program section '{section.Name}'; only functions in {SubprogramSection} can be called");
        if (_placements.FirstOrDefault(p => p.Section == section && p.Contains(index)) is { } placed)
            return placed.Map(index);

        var function = _elf.Symbols.FirstOrDefault(s => s.Section == section && s.Type == SymbolType.Function
            && s.Value % Instruction.Size == 0 && s.Value / Instruction.Size <= (ulong)index
            && (s.Value + s.Size) / Instruction.Size > (ulong)index && (s.Value + s.Size) / Instruction.Size <= (ulong)slots.Length)
            ?? throw new ProgramFormatException($"{Where(section, fromSlot)}: call target {index} in {SubprogramSection} is not inside any function");
        int start = (int)(function.Value / Instruction.Size);
        return Place(section, start, (int)(function.Size / Instruction.Size)) + index - start;
    }

    private static long SlotOf(ulong byteOffset, string where) =>
        byteOffset % Instruction.Size == 0 && byteOffset / Instruction.Size <= int.MaxValue
            ? (long)(byteOffset / Instruction.Size)
            : throw new ProgramFormatException($"{where}: code reference to byte offset {byteOffset} is not an instruction boundary");

    private static string Where(ElfSection section, int slot) => $"section '{section.Name}', insn {slot}";
}
