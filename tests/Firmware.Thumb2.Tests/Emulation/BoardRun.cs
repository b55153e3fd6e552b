using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.Thumb2;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Thumb2.Tests.Emulation;

/// <summary>
/// What a run ends with, in terms both engines share: the value, or the fault and the instruction it
/// happened at (addresses differ between host and board), and the input buffer and map values afterwards.
/// </summary>
public sealed record Outcome(ulong? Value, Thumb2Fault Fault, int FaultInstruction, byte[] Buffer, byte[] Maps)
{
    public bool Matches(Outcome other) => Value == other.Value && Fault == other.Fault && FaultInstruction == other.FaultInstruction
        && Buffer.AsSpan().SequenceEqual(other.Buffer) && Maps.AsSpan().SequenceEqual(other.Maps);

    public override string ToString() => (Value is { } v ? $"r0 = 0x{v:x}" : $"fault {Fault} at insn {FaultInstruction}")
        + $", buffer {Convert.ToHexString(Buffer)}, maps {Convert.ToHexString(Maps)}";
}

/// <summary>One program run on the interpreter (the reference) or compiled and run on the board.</summary>
public static class BoardRun
{
    private static readonly Dictionary<FaultKind, Thumb2Fault> Faults = new()
    {
        [FaultKind.InvalidRead] = Thumb2Fault.Read,
        [FaultKind.InvalidWrite] = Thumb2Fault.Write,
        [FaultKind.BudgetExceeded] = Thumb2Fault.Budget,
        [FaultKind.CallDepthExceeded] = Thumb2Fault.CallDepth,
        [FaultKind.MisalignedAtomic] = Thumb2Fault.Alignment,
        [FaultKind.HelperFault] = Thumb2Fault.Helper,
        [FaultKind.UnknownHelper] = Thumb2Fault.UnknownHelper,
    };

    public static Outcome OnInterpreter(EbpfProgram program, HelperTable helpers, byte[] input, long budget)
    {
        using var instance = ProgramInstance.Create(program, helpers, new ExecutionLimits(budget));
        return OnInterpreter(instance, (byte[])input.Clone());
    }

    /// <summary>
    /// Two interpreter runs with the stack, the maps and the buffer at different addresses (both instances
    /// are alive at once, so nothing is reused) and other map handles: they differ when the outcome depends
    /// on an address or a handle.
    /// </summary>
    public static (Outcome First, Outcome Second) OnInterpreterTwice(EbpfProgram program, HelperTable helpers, byte[] input, long budget)
    {
        using var first = ProgramInstance.Create(program, helpers, new ExecutionLimits(budget));
        using var otherMaps = new MapSet(program.Maps);
        foreach (var map in otherMaps) map.Handle ^= 0x0000_5a5a_5a5a_5a5d; // every byte changes: programs store and mask either word
        using var second = new ProgramInstance(program, helpers, otherMaps, new ExecutionLimits(budget));
        byte[] firstBuffer = (byte[])input.Clone(), secondBuffer = (byte[])input.Clone();
        return (OnInterpreter(first, firstBuffer), OnInterpreter(second, secondBuffer));
    }

    private static Outcome OnInterpreter(ProgramInstance instance, byte[] buffer)
    {
        using var engine = Engines.Create(Engines.Interpreter, instance);
        var result = engine.RunOnBuffer(buffer);
        byte[] maps = [.. instance.Maps.SelectMany(map => Bytes(map.ValueRegion))];
        return result.Ok
            ? new Outcome(result.Value, Thumb2Fault.None, 0, buffer, maps)
            : new Outcome(null, Faults[result.Fault.Kind], result.Fault.Instruction, buffer, maps);
    }

    /// <summary>
    /// Compiles <paramref name="program"/>, lays out the buffer and map values in the runner's arena, resolves
    /// the relocations against what the runner announced, and runs it. <paramref name="shift"/> moves the
    /// data and the stack by that many bytes (to tell address-dependent outcomes); <paramref name="repeat"/>
    /// runs it that many times from the same start, for timing. A fault exception on the
    /// board (the code crashed instead of faulting cleanly) fails the test.
    /// </summary>
    public static (Outcome Outcome, JobResult Result, Thumb2Image Image) OnBoard(EbpfProgram program, HelperTable helpers, byte[] input, long budget,
        IAccessProofs? proofs = null, uint shift = 0, uint repeat = 1)
    {
        var board = RunnerBoard.Instance;
        var hello = board.Hello;
        var image = Thumb2Compiler.Compile(program, proofs);
        using var instance = ProgramInstance.Create(program, helpers);

        // Blocks sit a guard gap apart, as separately allocated host memory would: an access just past the
        // buffer must miss every region on the board as it does on the host.
        const uint guard = 4096;
        uint next = hello.Arena + (shift & ~7u);
        uint Place(int length)
        {
            uint at = next;
            next = (next + (uint)length + guard + 7) & ~7u;
            return at;
        }
        var blocks = new List<Block>();
        var regions = new List<(uint, uint, uint)>();
        uint buffer = 0;
        if (input.Length > 0)
        {
            buffer = Place(input.Length);
            blocks.Add(new Block(buffer, input));
            regions.Add((buffer, (uint)input.Length, (uint)Access.ReadWrite));
        }
        var maps = new List<(uint, uint, uint)>();
        var mapValues = new List<uint>();
        foreach (var map in instance.Maps)
        {
            var values = Bytes(map.ValueRegion);
            uint at = Place(values.Length);
            blocks.Add(new Block(at, values));
            regions.Add((at, (uint)values.Length, (uint)map.ValueRegion.Access));
            maps.Add((at, (uint)map.Definition.ValueSize, (uint)map.Definition.MaxEntries));
            mapValues.Add(at);
        }
        // callx's table: the runner's helpers that the interpreter's table has too.
        var table = hello.Helpers.Where(h => helpers.Find(h.Key) is not null).OrderBy(h => h.Key).ToList();
        byte[] tableBytes = [.. BitConverter.GetBytes(table.Count), .. table.SelectMany(h => BitConverter.GetBytes(h.Key).Concat(BitConverter.GetBytes(h.Value)))];
        uint helperTable = Place(tableBytes.Length);
        blocks.Add(new Block(helperTable, tableBytes));
        if (next - hello.Arena > hello.ArenaSize) throw new InvalidOperationException("the input and maps do not fit the runner's arena");

        var code = (byte[])image.Code.Clone();
        foreach (var relocation in image.Relocations)
        {
            uint word = relocation.Kind switch
            {
                Thumb2RelocationKind.Helper => hello.Helpers.TryGetValue(relocation.Value, out uint helper)
                    ? helper
                    : throw new InvalidOperationException($"the runner has no helper {relocation.Value}"),
                Thumb2RelocationKind.Map => hello.MapsTable + 12 * (uint)relocation.Value,
                Thumb2RelocationKind.MapValue => mapValues[relocation.Value],
                Thumb2RelocationKind.Runtime => hello.Runtime[relocation.Value],
                Thumb2RelocationKind.HelperTable => helperTable,
                _ => throw new InvalidOperationException($"relocation kind {relocation.Kind}"),
            };
            BitConverter.TryWriteBytes(code.AsSpan(relocation.Offset), word);
        }

        var job = new Job(code, buffer, (uint)input.Length, (uint)Math.Min(budget, uint.MaxValue), shift, repeat, regions, maps, blocks);
        var result = board.Run(job);
        Assert.True(result.Exception == 0, $"the code took fault exception {result.Exception} on the board");
        int mapStart = input.Length > 0 ? 1 : 0;
        var bufferAfter = input.Length > 0 ? result.Blocks[0] : [];
        byte[] mapsAfter = [.. result.Blocks.Skip(mapStart).Take(mapValues.Count).SelectMany(b => b)];
        var fault = (Thumb2Fault)result.Fault;
        var outcome = fault is Thumb2Fault.None or Thumb2Fault.Stop
            ? new Outcome(result.R0, Thumb2Fault.None, 0, bufferAfter, mapsAfter)
            : new Outcome(null, fault, (int)result.FaultInstruction, bufferAfter, mapsAfter);
        return (outcome, result, image);
    }

    private static unsafe byte[] Bytes(Region region) => new Span<byte>((void*)region.Start, (int)region.Length).ToArray();
}
