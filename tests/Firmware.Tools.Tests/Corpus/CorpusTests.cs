using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;

namespace Firmware.Tools.Tests.Corpus;

/// <summary>
/// Differential tests: every C program, compiled by clang-19 to eBPF and run by each engine, must give
/// the r0 and leave the buffer exactly as the same source compiled natively by gcc -O2 does, on every
/// input, with state (globals, maps) carried across the inputs in one instance.
/// </summary>
[Collection(CorpusCollection.Name)]
public class CorpusTests(CorpusBuild build)
{
    public static TheoryData<string, string> ProgramsAndEngines()
    {
        var data = new TheoryData<string, string>();
        foreach (var program in CorpusSources.All)
            foreach (var engine in Engines.Names)
                data.Add(program.Name, engine);
        return data;
    }

    [Theory]
    [MemberData(nameof(ProgramsAndEngines))]
    public void Engine_matches_native_gcc(string program, string engine)
    {
        var built = build.Get(CorpusSources.Named(program));
        var loaded = ProgramFile.Load(built.Object);
        using var instance = ProgramInstance.Create(loaded, StandardHelpers.CreateTable());
        using var runner = Engines.Create(engine, instance);

        var mismatches = new List<string>();
        for (int i = 0; i < CorpusInputs.All.Count; i++)
        {
            var input = CorpusInputs.All[i];
            var buffer = input.Bytes.ToArray();
            var result = runner.RunOnBuffer(buffer);
            if (!result.Ok)
            {
                // Later inputs depend on the state this run would have left: stop here.
                mismatches.Add($"{input.Name}: fault {Fwctl.Commands.RunCommand.Describe(result.Fault, loaded)}");
                break;
            }
            var actual = new RunOutcome(result.Value, NativeDriver.BufferHash(buffer));
            if (actual != built.Expected[i])
                mismatches.Add($"{input.Name}: native {built.Expected[i]}, {engine} {actual}");
        }
        Assert.True(mismatches.Count == 0, $"{program} on {engine}:\n{string.Join('\n', mismatches)}");
    }

    /// <summary>The corpus covers the workload classes with 25 programs or more: a lost file must not shrink it silently.</summary>
    [Fact]
    public void Corpus_has_at_least_25_programs() => Assert.True(CorpusSources.Corpus.Count >= 25, $"{CorpusSources.Corpus.Count} programs");
}
