using System.Text.Json;
using Firmware.Ebpf.Engine;

namespace Firmware.Tools.Tests.Corpus;

/// <summary>
/// The corpus through the CLI, end to end: `fwctl run OBJECT --mem INPUT` as a separate process must
/// print what native gcc computed for that input alone, also with --json and --repeat, on every engine.
/// </summary>
[Collection(CorpusCollection.Name)]
public class FwctlRunTests(CorpusBuild build)
{
    private static readonly string Fwctl = Path.Combine(AppContext.BaseDirectory, "fwctl");

    [Theory]
    [InlineData("corpus/crc32_table", "text-4096")]
    [InlineData("corpus/bubble_sort", "random-4096")]
    [InlineData("corpus/hash_map", "random-255")]
    public void Prints_r0_as_native_gcc_computes_it(string program, string input)
    {
        var (built, inputFile, expected) = Case(program, input);

        var result = Tool.Run(Fwctl, ["run", built.Object, "--mem", inputFile]);

        Assert.True(result.ExitCode == 0, $"fwctl exited {result.ExitCode}: {result.Stderr}");
        Assert.Equal($"0x{expected.Value:x}", result.Stdout.Trim());
    }

    public static TheoryData<string> EngineNames() => [.. Engines.Names];

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Json_with_repeat_reports_the_result_engine_runs_and_timing(string engine)
    {
        // tokenizer keeps no state between runs, so every repeat gives the first run's answer.
        var (built, inputFile, expected) = Case("corpus/tokenizer", "text-4096");

        var result = Tool.Run(Fwctl, ["run", built.Object, "--mem", inputFile, "--engine", engine, "--repeat", "200", "--json"]);

        Assert.True(result.ExitCode == 0, $"fwctl exited {result.ExitCode}: {result.Stderr}");
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal($"0x{expected.Value:x}", root.GetProperty("result").GetString());
        Assert.Equal(engine, root.GetProperty("engine").GetString());
        Assert.Equal(200, root.GetProperty("runs").GetInt32());
        Assert.True(root.GetProperty("ns_per_run").GetInt64() > 0, result.Stdout);
        Assert.True(root.GetProperty("compile_ns").GetInt64() >= 0, result.Stdout);
    }

    /// <summary>A program's build, the path of one input and what native gcc computes for it in a fresh process.</summary>
    private (BuiltProgram Built, string InputFile, RunOutcome Expected) Case(string program, string input)
    {
        var built = build.Get(CorpusSources.Named(program));
        string inputFile = build.InputFiles.Single(path => Path.GetFileName(path) == input);
        return (built, inputFile, NativeDriver.Run(built.Executable, [inputFile])[0]);
    }
}
