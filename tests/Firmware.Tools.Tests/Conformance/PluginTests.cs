using System.Diagnostics;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Text;
using Firmware.Tools.Conformance;

namespace Firmware.Tools.Tests.Conformance;

/// <summary>
/// The plugin as the official runner drives it: a separate process per case, the program as hex on
/// stdin, the memory as "xx  xx  " in argv, r0 as hex on stdout.
/// </summary>
public class PluginTests
{
    private static readonly string Plugin = Path.Combine(RepoPaths.Root, "tests", "conformance", "plugin");
    private static readonly string Fwctl = Path.Combine(AppContext.BaseDirectory, "fwctl");

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var engine in Engines.Names)
            foreach (var path in Directory.GetFiles(RepoPaths.ConformanceTests, "*.data").Order(StringComparer.Ordinal))
                cases.Add(engine, Path.GetFileName(path));
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conformance_case_passes_through_the_plugin(string engine, string file)
    {
        var test = ConformanceCase.Load(Path.Combine(RepoPaths.ConformanceTests, file));
        byte[] code = test.Raw ?? Instruction.WriteAll(Assembler.Assemble(test.Asm!));
        var (exit, stdout, stderr) = RunPlugin(code, test.Memory, "--engine", engine);
        Assert.True(exit == 0, $"plugin exited {exit}: {stderr}");
        Assert.Equal(test.Result, Convert.ToUInt64(stdout.Trim(), 16));
    }

    [Fact]
    public void Malformed_program_exits_non_zero_with_a_reason()
    {
        var (exit, _, stderr) = RunPlugin([0x07, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x95, 0, 0, 0, 0, 0, 0, 0], []);
        Assert.NotEqual(0, exit);
        Assert.Contains("offset", stderr);
    }

    [Fact]
    public void Out_of_bounds_read_exits_non_zero_with_the_fault()
    {
        var code = Instruction.WriteAll(Assembler.Assemble("ldxdw %r0, [%r1+8]\nexit"));
        var (exit, _, stderr) = RunPlugin(code, [1, 2, 3, 4]);
        Assert.NotEqual(0, exit);
        Assert.Contains("invalid read of 8 bytes", stderr);
    }

    private static (int Exit, string Stdout, string Stderr) RunPlugin(byte[] code, byte[] memory, params string[] options)
    {
        var start = new ProcessStartInfo(Plugin)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["FWCTL"] = Fwctl },
        };
        if (memory.Length > 0) start.ArgumentList.Add(string.Concat(memory.Select(b => $"{b:x2}  ")));
        foreach (var option in options) start.ArgumentList.Add(option);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(string.Join(' ', code.Select(b => b.ToString("x2"))));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
