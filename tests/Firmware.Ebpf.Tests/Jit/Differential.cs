using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>
/// Runs a <see cref="GeneratedProgram"/> on the interpreter and on another engine over the same instance,
/// input buffer and maps (same addresses, so pointer arithmetic agrees), restoring memory in between, and
/// asserts the same result or fault and the same buffer, stack and map contents afterwards.
/// </summary>
public static unsafe class Differential
{
    public static void Check(GeneratedProgram generated, Func<ProgramInstance, IEngine> createEngine)
    {
        var program = new EbpfProgram("generated", generated.Code, ProgramGenerator.Maps);
        using var instance = ProgramInstance.Create(program, ProgramGenerator.Helpers(), new ExecutionLimits(generated.Budget));
        using var reference = Engines.Create(Engines.Interpreter, instance);
        using var engine = createEngine(instance);
        var buffer = (byte*)NativeMemory.Alloc((nuint)generated.Input.Length);
        try
        {
            var maps = instance.Maps.Select(map => Bytes(map.ValueRegion)).ToArray();
            var expected = Run(reference, instance, generated.Input, buffer, maps);
            var actual = Run(engine, instance, generated.Input, buffer, maps);
            Assert.Equal(expected.Result, actual.Result);
            Assert.Equal(expected.Buffer, actual.Buffer);
            Assert.Equal(expected.Stack, actual.Stack);
            Assert.Equal(expected.Maps, actual.Maps);
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    private sealed record Outcome(RunResult Result, byte[] Buffer, byte[] Stack, byte[] Maps);

    private static Outcome Run(IEngine engine, ProgramInstance instance, byte[] input, byte* buffer, byte[][] maps)
    {
        var data = new Span<byte>(buffer, input.Length);
        input.CopyTo(data);
        var stack = new Span<byte>((void*)instance.StackBase, ProgramInstance.StackSize);
        stack.Clear();
        for (int i = 0; i < maps.Length; i++)
            maps[i].CopyTo(Span(instance.Maps[i].ValueRegion));
        var result = engine.RunOnBuffer(data);
        return new Outcome(result, data.ToArray(), stack.ToArray(),
            [.. instance.Maps.SelectMany(map => Bytes(map.ValueRegion))]);
    }

    private static Span<byte> Span(Region region) => new((void*)region.Start, (int)region.Length);

    private static byte[] Bytes(Region region) => Span(region).ToArray();
}
