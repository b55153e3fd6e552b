using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Tools.Elf;

namespace Firmware.Tools.Tests.Elf;

public partial class ElfLoaderTests
{
    [Fact]
    public void BtfMapsHaveTheirTypesSizesAndCapacities()
    {
        var program = ElfLoader.Load(Clang.Compile("btf_maps.c"));

        Assert.Equal("hook/maps", program.Name);
        Assert.Equal(
        [
            new MapDefinition("counters", MapType.Array, 4, 8, 16),
            new MapDefinition("points", MapType.Hash, 8, 16, 1024),
            new MapDefinition("recent", MapType.LruHash, 8, 12, 128),
            new MapDefinition("events", MapType.RingBuffer, 0, 0, 4096),
        ], program.Maps);
    }

    [Fact]
    public void LddwOfAMapBecomesAReferenceByIndex()
    {
        var program = ElfLoader.Load(Clang.Compile("btf_maps.c"));

        var references = MapLoads(program).ToList();
        Assert.Equal([((byte)LddwKind.MapByIndex, 0, 0), ((byte)LddwKind.MapByIndex, 1, 0),
            ((byte)LddwKind.MapByIndex, 2, 0), ((byte)LddwKind.MapByIndex, 3, 0)], references);
    }

    [Fact]
    public void LegacyMapsAreRead()
    {
        var program = ElfLoader.Load(Clang.Compile("legacy_maps.c"));

        Assert.Equal([new MapDefinition("table", MapType.Hash, 4, 16, 64), new MapDefinition("slots", MapType.Array, 4, 8, 32)],
            program.Maps);
        // The program looks up "slots" first.
        Assert.Equal([((byte)LddwKind.MapByIndex, 1, 0), ((byte)LddwKind.MapByIndex, 0, 0)], MapLoads(program));
    }

    [Fact]
    public void GlobalsBecomeOneElementArrayMapsWithTheirBytes()
    {
        var program = ElfLoader.Load(Clang.Compile("globals.c"));

        var data = Assert.Single(program.Maps, m => m.Name == ".data");
        var rodata = Assert.Single(program.Maps, m => m.Name == ".rodata");
        var bss = Assert.Single(program.Maps, m => m.Name == ".bss");
        Assert.Equal((MapType.Array, 4u, 4u, 1u, false), (data.Type, data.KeySize, data.ValueSize, data.MaxEntries, data.ReadOnly));
        Assert.Equal(0x11223344u, BinaryPrimitives.ReadUInt32LittleEndian(data.InitialValue));
        Assert.True(rodata.ReadOnly);
        Assert.Equal([100, 0, 0, 0, 200, 0, 0, 0], rodata.InitialValue);
        Assert.Equal((32u, false), (bss.ValueSize, bss.ReadOnly));
        Assert.Equal(new byte[32], bss.InitialValue);

        int IndexOf(MapDefinition map) => program.Maps.ToList().IndexOf(map);
        Assert.Equal([((byte)LddwKind.MapValueByIndex, IndexOf(bss), 0), ((byte)LddwKind.MapValueByIndex, IndexOf(data), 0)],
            MapLoads(program));
    }

    [Fact]
    public void StringLiteralsAndStaticConstantsLiveInReadOnlyMapsAtTheirOffsets()
    {
        var program = ElfLoader.Load(Clang.Compile("strings.c"));

        var strings = Assert.Single(program.Maps, m => m.Name.StartsWith(".rodata.str", StringComparison.Ordinal));
        Assert.True(strings.ReadOnly);
        var loads = MapLoads(program).ToList();
        Assert.All(loads, l => Assert.Equal((byte)LddwKind.MapValueByIndex, l.Kind));
        string Text((byte Kind, int Map, int Offset) load)
        {
            var bytes = program.Maps[load.Map].InitialValue!.AsSpan(load.Offset);
            return System.Text.Encoding.ASCII.GetString(bytes[..bytes.IndexOf((byte)0)]);
        }
        Assert.Equal(["first %d\n", "second %d\n", "table entry"], loads.Select(Text));
    }

    [Fact]
    public void CallsIntoTextAppendOnlyTheFunctionsReachedAndPointAtTheirFirstInstruction()
    {
        byte[] elf = Clang.Compile("calls.c");
        var text = SectionSlots("calls.c", ".text");
        var first = ElfLoader.Load(elf, "hook/first");

        // hook/first (5 slots) calls add3, which calls square (no relocation) and twice (relocation).
        var add3 = text["add3"];
        var square = text["square"];
        var twice = text["twice"];
        Assert.Equal(5 + add3.Length + square.Length + twice.Length, first.Instructions.Length);
        var targets = CallTargets(first);
        Assert.Equal(3, targets.Count);
        Assert.Equal(5, targets[3]);                              // first -> add3, appended right after the program
        int squareAt = targets[5 + 2], twiceAt = targets[5 + 6];  // add3's two calls
        Assert.Equal(square.Select(i => i.Opcode), first.Instructions.Skip(squareAt).Take(square.Length).Select(i => i.Opcode));
        Assert.Equal(twice.Select(i => i.Opcode), first.Instructions.Skip(twiceAt).Take(twice.Length).Select(i => i.Opcode));
        Assert.Equal(add3.Select(i => i.Opcode), first.Instructions.Skip(5).Take(add3.Length).Select(i => i.Opcode));
    }

    [Fact]
    public void EachProgramGetsItsOwnCopyOfTheFunctionsItCalls()
    {
        byte[] elf = Clang.Compile("calls.c");
        var text = SectionSlots("calls.c", ".text");
        var second = ElfLoader.Load(elf, "hook/second");

        // Calls against the .text section symbol: imm encodes the target within .text.
        var targets = CallTargets(second);
        Assert.Equal(2, targets.Count);
        Assert.Equal(8, targets[2]);
        Assert.Equal(8 + text["square"].Length, targets[5]);
        Assert.Equal(8 + text["square"].Length + text["unused_helper"].Length, second.Instructions.Length);
        Assert.Equal(text["unused_helper"], second.Instructions[targets[5]..]);
    }

    [Fact]
    public void ACallbackIsACodeAddressAndItsOwnRelocationsAreApplied()
    {
        var program = ElfLoader.Load(Clang.Compile("callback.c"));
        int loopLength = SectionSlots("callback.c", "hook/loop")["loop"].Length;
        var step = SectionSlots("callback.c", ".text")["step"];

        Assert.Equal(loopLength + step.Length, program.Instructions.Length);
        var address = program.Instructions[1];
        Assert.Equal((byte)LddwKind.CodeAddress, address.Src);
        Assert.Equal(loopLength, 2 + address.Imm);
        int totals = program.Maps.ToList().FindIndex(m => m.Name == "totals");
        int bss = program.Maps.ToList().FindIndex(m => m.Name == ".bss");
        Assert.Equal([((byte)LddwKind.CodeAddress, address.Imm, 0), ((byte)LddwKind.MapValueByIndex, bss, 0),
            ((byte)LddwKind.MapValueByIndex, bss, 0), ((byte)LddwKind.MapByIndex, totals, 0)], MapLoads(program));
    }

    [Fact]
    public void SectionsAreListedAndSelectable()
    {
        byte[] elf = Clang.Compile("calls.c");

        Assert.Equal(["hook/first", "hook/second"], ElfLoader.ListSections(elf));
        Assert.Equal("hook/first", ElfLoader.Load(elf).Name);
        Assert.Equal("hook/second", ElfLoader.Load(elf, "hook/second").Name);
        var error = Assert.Throws<ProgramFormatException>(() => ElfLoader.Load(elf, "hook/third"));
        Assert.Equal("no program section 'hook/third' (available: hook/first, hook/second)", error.Message);
    }

    [Fact]
    public void AnObjectWithOnlyTextIsItsOwnProgram()
    {
        byte[] elf = Clang.Compile("text_only.c");

        Assert.Equal([".text"], ElfLoader.ListSections(elf));
        var program = ElfLoader.Load(elf);
        Assert.Equal(".text", program.Name);
        Assert.Equal(SectionSlots("text_only.c", ".text")["plain"], program.Instructions);
    }

    [Fact]
    public void InstructionsWithoutRelocationsAreTheBytesClangEmitted()
    {
        var program = ElfLoader.Load(Clang.Compile("btf_maps.c"));
        var objdump = SectionSlots("btf_maps.c", "hook/maps")["use_maps"];

        Assert.Equal(objdump.Length, program.Instructions.Length);
        for (int i = 0; i < objdump.Length; i++)
            if (!objdump[i].IsLddw && (i == 0 || !objdump[i - 1].IsLddw))
                Assert.Equal(objdump[i], program.Instructions[i]);
    }

    [Fact]
    public void LineInfoPointsAtTheSourceLines()
    {
        var program = ElfLoader.Load(Clang.Compile("lines.c"));
        string[] source = File.ReadAllLines(Clang.SourcePath("lines.c"));
        int LineOf(string marker) => Array.FindIndex(source, l => l.Contains(marker)) + 1;

        Assert.Equal(program.Lines.OrderBy(l => l.Instruction), program.Lines);
        Assert.All(program.Lines, l => Assert.EndsWith("lines.c", l.File));

        var entry = Assert.Single(program.Lines, l => l.Line == LineOf("ENTRY-MARKER"));
        Assert.Contains("ENTRY-MARKER", entry.SourceLine);
        Assert.True(entry.Column > 0);
        Assert.Equal(0x5a5a, program.Instructions[entry.Instruction].Imm);

        // scale() is appended from .text, so its line info moves with it.
        var scale = program.Lines.Where(l => l.Line == LineOf("SCALE-MARKER")).ToList();
        Assert.NotEmpty(scale);
        Assert.All(scale, l => Assert.Contains("SCALE-MARKER", l.SourceLine));
        int call = Array.FindIndex(program.Instructions, i => i.Opcode == Opcode.Call && i.Src == (byte)CallKind.Local);
        int scaleStart = call + 1 + program.Instructions[call].Imm;
        Assert.All(scale, l => Assert.InRange(l.Instruction, scaleStart, program.Instructions.Length - 1));
        Assert.Contains(scale, l => program.Instructions[l.Instruction].Imm == 13);
        Assert.Equal(scale[^1], program.LineOf(program.Instructions.Length - 1));
    }

    [Fact]
    public void ACallToAFunctionThatIsNotDefinedIsRejected()
    {
        var error = Assert.Throws<ProgramFormatException>(() => ElfLoader.Load(Clang.Compile("missing_function.c")));
        Assert.Contains("call to missing function 'not_defined_anywhere'", error.Message);
    }

    [Fact]
    public void AMapTypeTheDeviceDoesNotHaveIsRejected()
    {
        var error = Assert.Throws<ProgramFormatException>(() => ElfLoader.Load(Clang.Compile("unsupported_map.c")));
        Assert.StartsWith("map 'per_cpu': unsupported map type 6 (supported: Hash (1), Array (2)", error.Message);
    }

    [Fact]
    public void PointersInGlobalDataAreRejected()
    {
        var error = Assert.Throws<ProgramFormatException>(() => ElfLoader.Load(Clang.Compile("data_pointers.c")));
        Assert.StartsWith("global data in '.data' holds addresses", error.Message);
    }

    private static IEnumerable<(byte Kind, int Map, int Offset)> MapLoads(EbpfProgram program)
    {
        var code = program.Instructions;
        for (int i = 0; i < code.Length; i++)
            if (code[i].IsLddw)
            {
                yield return (code[i].Src, code[i].Imm, code[i + 1].Imm);
                i++;
            }
    }

    /// <summary>Call sites of bpf-to-bpf calls and the index each one reaches.</summary>
    private static Dictionary<int, int> CallTargets(EbpfProgram program) =>
        program.Instructions
            .Select((insn, pc) => (insn, pc))
            .Where(x => x.insn.Opcode == Opcode.Call && x.insn.Src == (byte)CallKind.Local)
            .ToDictionary(x => x.pc, x => x.pc + 1 + x.insn.Imm);

    /// <summary>The functions of a section as llvm-objdump decodes them, an independent reading of the object.</summary>
    private static Dictionary<string, Instruction[]> SectionSlots(string source, string section)
    {
        string listing = Clang.Run("llvm-objdump-19", "-d", $"--section={section}", Clang.ObjectPath(source));
        var functions = new Dictionary<string, Instruction[]>();
        string? current = null;
        var bytes = new List<byte>();
        foreach (string line in listing.Split('\n'))
        {
            if (FunctionHeader().Match(line) is { Success: true } header)
            {
                if (current is not null) functions[current] = Instruction.ReadAll(bytes.ToArray());
                current = header.Groups[1].Value;
                bytes.Clear();
            }
            else if (current is not null && InstructionLine().Match(line) is { Success: true } insn)
            {
                bytes.AddRange(insn.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => Convert.ToByte(b, 16)));
            }
        }
        if (current is not null) functions[current] = Instruction.ReadAll(bytes.ToArray());
        return functions;
    }

    [GeneratedRegex(@"^[0-9a-f]+ <([^>]+)>:")]
    private static partial Regex FunctionHeader();

    [GeneratedRegex(@"^\s*\d+:\t([0-9a-f]{2}(?: [0-9a-f]{2})*)")]
    private static partial Regex InstructionLine();
}
