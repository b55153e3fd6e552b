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

    /// <summary>One run on <paramref name="instance"/>, whose maps carry what earlier runs left; <paramref name="buffer"/> is changed in place.</summary>
    public static Outcome OnInterpreter(ProgramInstance instance, byte[] buffer)
    {
        using var engine = Engines.Create(Engines.Interpreter, instance);
        var result = engine.RunOnBuffer(buffer);
        byte[] maps = [.. instance.Maps.SelectMany(map => Bytes(map.ValueRegion))];
        return result.Ok
            ? new Outcome(result.Value, Thumb2Fault.None, 0, buffer, maps)
            : new Outcome(null, Faults[result.Fault.Kind], result.Fault.Instruction, buffer, maps);
    }

    /// <summary>A fresh compile and one run on the board (see <see cref="BoardProgram.Run"/>), from the maps' initial values.</summary>
    public static (Outcome Outcome, JobResult Result, Thumb2Image Image) OnBoard(EbpfProgram program, HelperTable helpers, byte[] input, long budget,
        IAccessProofs? proofs = null, uint shift = 0, uint repeat = 1)
    {
        var board = new BoardProgram(program, helpers, proofs);
        var (outcome, result) = board.Run(input, budget, shift, repeat);
        return (outcome, result, board.Image);
    }

    internal static unsafe byte[] Bytes(Region region) => new Span<byte>((void*)region.Start, (int)region.Length).ToArray();
}
