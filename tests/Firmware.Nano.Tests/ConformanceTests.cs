using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Text;
using Firmware.Tools.Conformance;

namespace Firmware.Nano.Tests;

/// <summary>Every bpf_conformance case on the nano-compiled profile, with the runner's convention (r1 = memory, r2 = length) and helper 5.</summary>
public class ConformanceTests
{
    public static TheoryData<string> Cases() =>
        new(Directory.GetFiles(RepoPaths.ConformanceTests, "*.data").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void The_whole_suite_is_there() => Assert.Equal(313, Cases().Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Passes(string file)
    {
        var test = ConformanceCase.Load(Path.Combine(RepoPaths.ConformanceTests, file));
        byte[] code = test.Raw ?? Instruction.WriteAll(Assembler.Assemble(test.Asm!));
        dynamic program;
        try
        {
            program = NanoAssembly.Call("Programs.ProgramReader", "Read", file, code, NanoAssembly.Array("Maps.MapDefinition"))!;
        }
        catch (Exception e) when (e.GetType().Name == "ProgramFormatException")
        {
            Assert.True(test.Error is not null, $"rejected: {e.Message}");
            return;
        }
        Assert.True(test.Error is null || test.Result is not null, $"accepted a program that should fail ({test.Error})");
        var instance = Nano.Instance(program, Nano.Helpers((5, Unwind)));
        var result = Nano.Result(instance.RunOnBuffer((byte[])test.Memory.Clone()));
        Assert.True(result.Ok, $"fault: {result.Fault}");
        Assert.Equal(test.Result, result.Value);
    }

    /// <summary>The runner's helper 5: returns its argument; zero stops the program with r0 = 0.</summary>
    private static ulong Unwind(dynamic context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r1 == 0) context.Unwind = true;
        return r1;
    }
}
