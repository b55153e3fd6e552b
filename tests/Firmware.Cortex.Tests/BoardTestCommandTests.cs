using System.Text.Json;
using Firmware.Protocol.Packages;
using Firmware.Tools.Packaging;
using Firmware.Tools.Tests.Cli;

namespace Firmware.Cortex.Tests;

/// <summary>`fwctl board test mps2-an386 PACKAGE`: the same command as the hosted boards, with the Cortex-M strategy.</summary>
[Collection("mps2-an386")]
public sealed class BoardTestCommandTests(CortexKit kit)
{
    [Fact]
    public void Board_test_reports_the_replacement_calibrating_the_probe_readings_on_the_board()
    {
        string directory = kit.Scratch("board-test");
        var (privateKey, _) = KeyFiles.Generate(Path.Combine(directory, "dev"));
        using var key = KeyFiles.LoadPrivate(privateKey);
        string package = Path.Combine(directory, "calibrate_fix.fwp");
        File.WriteAllBytes(package, kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1, key: key));

        var (exit, stdout, stderr) = InProcessFwctl.Run("board", "test", "mps2-an386", package, "--seconds", "1", "--json",
            "--boards-dir", kit.Catalog.Directory);

        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;
        Assert.True(root.GetProperty("installed").GetBoolean());
        Assert.Equal("active", root.GetProperty("patch").GetProperty("state").GetString());
        // The shipped formula raw * 5 / 8 before, the datasheet's raw * 5 / 8 - 400 after.
        int[] Readings(string phase) => [.. root.GetProperty(phase).GetProperty("readings").EnumerateArray().Select(r => r.GetProperty("value").GetInt32())];
        Assert.Equal([0, 400, 1280, 2559], Readings("baseline"));
        Assert.Equal([-400, 0, 880, 2159], Readings("patched"));
        Assert.True(root.GetProperty("baseline").GetProperty("overruns").GetInt64() > 0);
    }

    [Fact]
    public void Board_test_refuses_a_package_signed_by_a_key_the_board_does_not_trust()
    {
        string directory = kit.Scratch("board-test");
        var (_, trusted) = KeyFiles.Generate(Path.Combine(directory, "trusted"));
        string package = Path.Combine(directory, "calibrate_fix.fwp");
        File.WriteAllBytes(package, kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1));

        var (exit, _, stderr) = InProcessFwctl.Run("board", "test", "mps2-an386", package, "--pub", trusted, "--seconds", "1",
            "--boards-dir", kit.Catalog.Directory);

        Assert.Equal(1, exit);
        Assert.Contains("refused", stderr);
        Assert.Contains("key", stderr);
    }
}
