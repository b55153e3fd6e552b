using Firmware.Ebpf.Engine;

namespace Firmware.Tools.Tests.Cli;

/// <summary>README's first command: `fwctl demo` works on embedded defaults and tells the story it promises.</summary>
[Collection("Console")]
public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_verifies_runs_on_every_engine_and_stops_bad_patches()
    {
        var (exit, stdout, stderr) = InProcessFwctl.Run("demo");

        Assert.True(exit == 0, stderr);
        Assert.Contains("accepted (8 instructions", stdout);
        foreach (var engine in Engines.Names)
            Assert.Contains($"Run on the {engine}", stdout);
        Assert.Equal(Engines.Names.Count, CountOf(stdout, "good packet -> 0"));
        Assert.Equal(Engines.Names.Count, CountOf(stdout, "evil packet -> 1"));
        Assert.Contains("rejected: insn 5: error: write of 1 bytes", stdout);
        Assert.Contains("fault: insn 5: invalid write of 1 bytes", stdout);
        Assert.Contains("packet after the run: 01F00000", stdout);
        Assert.Contains("fault: insn 2: instruction budget exceeded", stdout);
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;
}
