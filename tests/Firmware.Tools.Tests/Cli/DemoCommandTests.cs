using Firmware.Ebpf.Engine;

namespace Firmware.Tools.Tests.Cli;

/// <summary>README's first command: `fwctl demo` works on embedded defaults and tells the story it promises.</summary>
[Collection("Console")]
public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_rolls_out_the_fix_to_a_fleet_verifies_runs_on_every_engine_and_stops_bad_patches()
    {
        var (exit, stdout, stderr) = InProcessFwctl.Run("demo");

        Assert.True(exit == 0, stdout + stderr);
        // The fleet: the bug is real before, and gone on every device after the canary rollout.
        Assert.True(stdout.Contains("8 devices online"), stdout);
        Assert.Matches(@"[1-9][\d,]* overruns \(canary tripped\) on 8 of 8 devices", stdout);
        Assert.Contains("canary: 2/8 applied", stdout);
        Assert.Contains("8 of 8 device(s) applied", stdout);
        Assert.Matches(@"[1-9][\d,]* packets reached the parser, 0 overruns", stdout);
        Assert.Equal(8, CountOf(stdout, "parse_packet#1"));
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
