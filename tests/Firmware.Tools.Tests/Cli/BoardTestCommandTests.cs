using System.Text.Json;

namespace Firmware.Tools.Tests.Cli;

/// <summary>
/// `fwctl board test` on linux-x64: fwagent (beside fwctl) hosts the sample firmware, the board examples are
/// installed between two windows of its traffic, and the report shows what they changed (contracts.md exit codes).
/// </summary>
[Collection("Console")]
public sealed class BoardTestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fwctl-board-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    private static string[] Boards => ["--boards-dir", InProcessFwctl.BoardsDirectory];

    /// <summary>keygen NAME, then a board example of linux-x64 built and packed with it (hook and kind from its first line).</summary>
    private string Package(string key, string example, string hook, string kind)
    {
        if (!File.Exists(In(key + ".pub"))) Assert.Equal(0, InProcessFwctl.Run("keygen", "--out", In(key)).Exit);
        var build = InProcessFwctl.Run(["build", Path.Combine(InProcessFwctl.BoardsDirectory, "linux-x64", "examples", example + ".c"),
            "--board", "linux-x64", "-o", In(example + ".o"), .. Boards]);
        Assert.True(build.Exit == 0, build.Stderr);
        var pack = InProcessFwctl.Run(["pack", In(example + ".o"), "--board", "linux-x64", "--hook", hook, "--kind", kind, "--seq", "1",
            "--key", In(key + ".key"), "-o", In(example + ".fwp"), .. Boards]);
        Assert.True(pack.Exit == 0, pack.Stderr);
        return In(example + ".fwp");
    }

    [Fact]
    public void The_length_check_stops_the_overruns_and_the_report_says_so()
    {
        string package = Package("author", "parse_packet_length_check", "parse_packet", "filter");

        var result = InProcessFwctl.Run(["board", "test", "linux-x64", package, "--seconds", "1", "--json", .. Boards]);

        Assert.True(result.Exit == 0, result.Stderr);
        Assert.Contains("board test: starting linux-x64", result.Stderr);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.True(report.GetProperty("installed").GetBoolean());
        Assert.True(report.GetProperty("baseline").GetProperty("overruns").GetInt64() > 0, "the firmware's traffic overruns without the patch");
        var patched = report.GetProperty("patched");
        Assert.True(patched.GetProperty("packets").GetInt64() > 0, "the firmware keeps parsing with the patch");
        Assert.Equal(0, patched.GetProperty("overruns").GetInt64());
        var patch = report.GetProperty("patch");
        Assert.Equal("active", patch.GetProperty("state").GetString());
        Assert.True(patch.GetProperty("runs").GetInt64() > 0);
        Assert.Equal(0, patch.GetProperty("faults").GetInt64());
        Assert.Equal(0, patch.GetProperty("budget_hits").GetInt64());
    }

    [Fact]
    public void The_calibration_fix_shows_in_the_table_with_the_key_found_beside_the_package()
    {
        string package = Package("author", "calibrate_fix", "calibrate", "replace");

        var result = InProcessFwctl.Run(["board", "test", "linux-x64", package, "--seconds", "0.5", .. Boards]);

        Assert.True(result.Exit == 0, result.Stderr);
        // raw * 5 / 8 before, raw * 5 / 8 - 400 after.
        Assert.Matches(@"calibrate\(640\)\s+400\s+0\n", result.Stdout);
        Assert.Matches(@"calibrate\(4095\)\s+2,559\s+2,159\n", result.Stdout);
        Assert.Matches(@"patch state\s+active\n", result.Stdout);
    }

    [Fact]
    public void A_package_the_device_does_not_trust_is_refused_with_exit_1()
    {
        string package = Package("author", "calibrate_fix", "calibrate", "replace");
        Assert.Equal(0, InProcessFwctl.Run("keygen", "--out", In("stranger")).Exit);

        var result = InProcessFwctl.Run(["board", "test", "linux-x64", package, "--pub", In("stranger.pub"), "--seconds", "0.5", "--json", .. Boards]);

        Assert.True(result.Exit == 1, $"exit {result.Exit}: {result.Stderr}");
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.False(report.GetProperty("installed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("patched").ValueKind);
        Assert.Contains("refused", result.Stderr);
    }

    [Fact]
    public void A_package_for_another_board_is_bad_input()
    {
        string package = Package("author", "calibrate_fix", "calibrate", "replace");

        var result = InProcessFwctl.Run(["board", "test", "qemu-aarch64", package, .. Boards]);

        Assert.Equal(2, result.Exit);
        Assert.Contains("is for board 'linux-x64', not 'qemu-aarch64'", result.Stderr);
    }
}
