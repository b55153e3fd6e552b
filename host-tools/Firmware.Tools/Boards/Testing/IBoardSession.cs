namespace Firmware.Tools.Boards.Testing;

/// <summary>A running board under test: its firmware's counters, and a device that installs packages.</summary>
public interface IBoardSession : IDisposable
{
    /// <summary>The firmware's counters since it started (they only grow).</summary>
    FirmwareCounters Counters();

    /// <summary>Installs a package file on the device; refused packages change nothing.</summary>
    CommandOutcome Install(string package);

    /// <summary>Removes the hook's active patch: the original function runs again.</summary>
    CommandOutcome Remove(string hook);

    /// <summary>The firmware's calibration of each raw reading, through its hook (what the active patch makes of it).</summary>
    IReadOnlyList<CalibrationReading> Calibrate(IReadOnlyList<int> raws);

    /// <summary>The patch's state and statistics on the device, or null when the device does not know it.</summary>
    PatchReport? Patch(string hook, ulong sequence);
}

/// <summary>
/// The sample firmware's counters (boards/firmware/sensor_gateway.h, struct fw_counters). Where the hook sits in
/// front of the function (hosted boards), calls a patch answered never reach the firmware's own counters: a
/// filter's refusals show as packets that were neither parsed nor overran.
/// </summary>
public readonly record struct FirmwareCounters(long Packets, long Accepted, long Malformed, long Overruns, long Calibrations)
{
    public static FirmwareCounters operator -(FirmwareCounters a, FirmwareCounters b) =>
        new(a.Packets - b.Packets, a.Accepted - b.Accepted, a.Malformed - b.Malformed, a.Overruns - b.Overruns, a.Calibrations - b.Calibrations);
}

public readonly record struct CommandOutcome(bool Ok, string Message);

public readonly record struct CalibrationReading(int Raw, int Value);

/// <summary>A patch as the device reports it: state (active, removed, unhealthy, ...), runs, faults, budget hits, last fault.</summary>
public sealed record PatchReport(string State, long Runs, long Faults, long BudgetHits, string? LastFault);
