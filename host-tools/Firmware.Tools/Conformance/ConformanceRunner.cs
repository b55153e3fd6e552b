using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Tools.Conformance;

/// <summary>The outcome of one conformance case; <see cref="Failure"/> is null when it passed.</summary>
public sealed record ConformanceOutcome(string Name, string? Failure)
{
    public bool Passed => Failure is null;
}

/// <summary>Runs bpf_conformance cases on an engine with the runner's calling convention and helper 5.</summary>
public static class ConformanceRunner
{
    public static HelperTable Helpers() => new HelperTable().Add(new UnwindHelper());

    public static IEnumerable<ConformanceOutcome> RunDirectory(string directory, string engine) =>
        Directory.GetFiles(directory, "*.data").Order(StringComparer.Ordinal).Select(path => RunFile(path, engine));

    public static ConformanceOutcome RunFile(string path, string engine)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        try
        {
            return Run(ConformanceCase.Parse(name, File.ReadAllText(path)), engine);
        }
        catch (ProgramFormatException e)
        {
            return new ConformanceOutcome(name, e.Message);
        }
    }

    public static ConformanceOutcome Run(ConformanceCase test, string engine)
    {
        EbpfProgram program;
        try
        {
            program = test.Raw is { } raw
                ? EbpfProgram.FromBytecode(test.Name, raw)
                : EbpfProgram.FromInstructions(test.Name, Assembler.Assemble(test.Asm!));
        }
        catch (ProgramFormatException e)
        {
            return test.Error is not null
                ? new ConformanceOutcome(test.Name, null)
                : new ConformanceOutcome(test.Name, $"rejected: {e.Message}");
        }
        if (test.Error is not null && test.Result is null)
            return new ConformanceOutcome(test.Name, $"accepted a program that should fail ({test.Error})");

        using var instance = new ProgramInstance(program, Helpers(), []);
        using var runner = Engines.Create(engine, instance);
        var result = runner.RunOnBuffer((byte[])test.Memory.Clone());
        if (!result.Ok)
            return new ConformanceOutcome(test.Name, $"fault: {result.Fault}");
        return result.Value == test.Result
            ? new ConformanceOutcome(test.Name, null)
            : new ConformanceOutcome(test.Name, $"expected 0x{test.Result:x}, got 0x{result.Value:x}");
    }
}
