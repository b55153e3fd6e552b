using Firmware.Protocol.Packages;
using Firmware.Tools.Boards.Testing;

namespace Firmware.Arm64.Tests.Emulation;

/// <summary>
/// The agent's hook tests on the emulated AArch64 board: fwagent for linux-arm64 under qemu-aarch64 hooks the
/// sample firmware (built with aarch64-linux-gnu-gcc) with AArch64 inline hooks while the firmware's own
/// thread calls the hooked functions; patches block the malicious packets and fix the calibration, and
/// removing them restores the original functions.
/// </summary>
public sealed class EmulatedAgentTests(EmulatedBoard board) : IClassFixture<EmulatedBoard>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_length_check_blocks_the_malicious_packets_and_removing_it_brings_the_overruns_back()
    {
        var agent = board.Agent;
        var start = agent.Counters();
        WaitFor(() => agent.Counters().Overruns > start.Overruns + 100, "the firmware's own traffic overruns the packet slot");

        Installed(agent.Install(board.Pack("linux-x64", "parse_packet_length_check")));
        var settled = agent.Counters(); // calls already inside the original when the hook switched have finished
        WaitFor(() => agent.Counters().Packets > settled.Packets + 20_000, "the firmware keeps parsing with the patch");
        var patched = agent.Counters();
        Assert.Equal(settled.Overruns, patched.Overruns);

        Installed(agent.Remove("parse_packet"));
        WaitFor(() => agent.Counters().Overruns > patched.Overruns + 100, "without the patch the overruns come back");
    }

    [Fact]
    public void The_calibration_fix_replaces_the_formula_and_removal_restores_it()
    {
        var agent = board.Agent;
        Assert.Equal([new(800, 500), new(0, 0)], agent.Calibrate([800, 0])); // the shipped bug: no -400 offset

        Installed(agent.Install(board.Pack("linux-x64", "calibrate_fix")));
        Assert.Equal([new(800, 100), new(0, -400)], agent.Calibrate([800, 0]));

        Installed(agent.Remove("calibrate"));
        Assert.Equal([new(800, 500), new(0, 0)], agent.Calibrate([800, 0]));
    }

    [Fact]
    public void Installing_and_removing_under_the_firmwares_load_keeps_every_answer_right()
    {
        var agent = board.Agent;
        var before = agent.Counters();
        for (int round = 0; round < 5; round++)
        {
            string package = board.Pack("qemu-aarch64", "calibrate_clamp");
            Installed(agent.Install(package));
            Assert.Equal([new(0, -32768), new(800, 500), new(4095, -32768)], agent.Calibrate([0, 800, 4095]));
            Installed(agent.Remove("calibrate"));
            Assert.Equal([new(0, 0), new(800, 500), new(4095, 2559)], agent.Calibrate([0, 800, 4095]));
        }
        var after = agent.Counters();
        Assert.True(after.Calibrations > before.Calibrations, "the firmware thread kept calling fw_calibrate throughout");
        Assert.Empty(agent.Events); // no patch was detached for faults
    }

    [Fact]
    public void Board_test_on_qemu_aarch64_reports_the_clamp_patchs_effect()
    {
        string package = board.Pack("qemu-aarch64", "calibrate_clamp");
        var manifest = PackageReader.Check(File.ReadAllBytes(package), new PackagePolicy(null)).Package!.Manifest;
        string work = Directory.CreateTempSubdirectory("fw-arm64-board-test-").FullName;
        var progress = new List<string>();
        try
        {
            var runner = BoardTestRunners.For(board.Board, board.Catalog.Directory, board.Executable);
            var setup = new BoardTestSetup(board.Board, board.Catalog.Directory, board.TrustedKey, work, BoardTest.MaliciousEvery);
            BoardTestReport report;
            using (var session = runner.Start(setup, progress.Add))
                report = BoardTest.Run(session, package, manifest, TimeSpan.FromSeconds(2));

            Assert.True(report.Passed, $"{report.Install.Message}; patch {report.Patch}");
            Assert.Contains(progress, line => line.Contains("under qemu-aarch64"));
            Assert.True(report.Baseline.Counters.Overruns > 0, "the baseline traffic overruns (the clamp does not fix that)");
            Assert.True(report.Patched!.Counters.Packets > 0 && report.Patch!.Runs > 0);
            Assert.Equal([0, 400, 1280, 2559], report.Baseline.Readings.Select(r => r.Value));
            Assert.Equal([-32768, 400, 1280, -32768], report.Patched.Readings.Select(r => r.Value));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Installed(CommandOutcome outcome) => Assert.True(outcome.Ok, outcome.Message);

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {what}");
    }
}
