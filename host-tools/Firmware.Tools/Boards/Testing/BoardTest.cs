using Firmware.Protocol.Packages;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// `fwctl board test`'s scenario, the same on every board: the firmware's traffic (with malicious
/// packets) runs for a baseline window, the package is installed, the traffic runs for a second window,
/// and the report compares the two: packets accepted and rejected, overruns, calibrated values of the
/// same raw readings, and the patch's runs, faults and budget hits.
/// </summary>
public static class BoardTest
{
    /// <summary>Raw ADC readings calibrated before and after: the ends of the range and two real readings.</summary>
    public static readonly IReadOnlyList<int> ProbeReadings = [0, 640, 2048, 4095];

    /// <summary>Every this-many packets of the scenario's traffic lies about its length.</summary>
    public const int MaliciousEvery = 8;

    public static BoardTestReport Run(IBoardSession board, string package, PackageManifest manifest, TimeSpan window)
    {
        var baseline = Measure(board, window);
        var install = board.Install(package);
        if (!install.Ok) return new BoardTestReport(manifest, install, window, baseline, null, null);
        var patched = Measure(board, window);
        return new BoardTestReport(manifest, install, window, baseline, patched, board.Patch(manifest.Hook, manifest.Sequence));
    }

    private static BoardTestPhase Measure(IBoardSession board, TimeSpan window)
    {
        var start = board.Counters();
        Thread.Sleep(window); // the measurement window itself: traffic runs on the board's own threads meanwhile
        var counters = board.Counters() - start;
        return new BoardTestPhase(counters, board.Calibrate(ProbeReadings));
    }
}

/// <summary>One window of traffic: the counters' growth over it, and the probe readings calibrated at its end.</summary>
public sealed record BoardTestPhase(FirmwareCounters Counters, IReadOnlyList<CalibrationReading> Readings);

/// <summary>
/// What `fwctl board test` found. <see cref="Patched"/> and <see cref="Patch"/> are null when the device
/// refused the package. <see cref="Passed"/>: installed, still active, and no fault.
/// </summary>
public sealed record BoardTestReport(PackageManifest Manifest, CommandOutcome Install, TimeSpan Window, BoardTestPhase Baseline, BoardTestPhase? Patched, PatchReport? Patch)
{
    public bool Passed => Install.Ok && Patch is { State: "active", Faults: 0 };
}
