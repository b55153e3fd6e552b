using Firmware.Ebpf.Engine;
using Firmware.Tools.Conformance;

namespace Firmware.Tools.Tests.Conformance;

/// <summary>Every bpf_conformance test on every engine, each file its own test case.</summary>
public class ConformanceTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var engine in Engines.Names)
            foreach (var file in Directory.GetFiles(RepoPaths.ConformanceTests, "*.data").Order(StringComparer.Ordinal))
                data.Add(engine, Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Passes(string engine, string file)
    {
        var outcome = ConformanceRunner.RunFile(Path.Combine(RepoPaths.ConformanceTests, file), engine);
        Assert.True(outcome.Passed, outcome.Failure);
    }

    [Fact]
    public void Suite_has_all_313_cases() =>
        Assert.Equal(313, Directory.GetFiles(RepoPaths.ConformanceTests, "*.data").Length);

    [Fact]
    public void Raw_only_negative_cases_are_rejected()
    {
        var unused = Directory.GetFiles(RepoPaths.ConformanceNegative, "unused-*.data");
        Assert.Equal(45, unused.Length);
        foreach (var file in unused)
        {
            var outcome = ConformanceRunner.RunFile(file, Engines.Interpreter);
            Assert.True(outcome.Passed, $"{Path.GetFileName(file)}: {outcome.Failure}");
        }
    }
}
