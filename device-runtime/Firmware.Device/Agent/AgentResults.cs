using Firmware.Device.Containers;
using Firmware.Device.Hosting;
using Firmware.Device.Patches;
using Firmware.Device.Programs;
using Firmware.Device.Store;
using Firmware.Protocol.Fleet;

namespace Firmware.Device.Agent;

/// <summary>The answer to a command: done, or refused with a reason (nothing changed).</summary>
public sealed record CommandResult(bool Ok, string Message)
{
    public static CommandResult Done(string message) => new(true, message);
    public static CommandResult Refused(string message) => new(false, message);
}

/// <summary>Something the device decided on its own, reported to whoever listens (the fleet, a log).</summary>
public sealed record AgentEvent(string Kind, string Hook, ulong Sequence, string Message);

/// <summary>One stored patch as the device reports it, with its counters when it is loaded.</summary>
public sealed record PatchReport(string Hook, ulong Sequence, string Kind, PatchState State, ProgramStatistics Statistics, string? LastFault);

/// <summary>What a device says about itself.</summary>
public sealed record DeviceStatus(string Id, string Board, string FirmwareBuildId, IReadOnlyList<PatchReport> Patches, GatewayCounters Counters,
    IReadOnlyList<ContainerReport> Containers);

/// <summary>One container as the device reports it: its state, per-program counters and its last fault.</summary>
public sealed record ContainerReport(string Name, ulong Sequence, ContainerState State, ContainerMetrics Metrics, string? LastFault)
{
    /// <summary>The fleet's view: the programs' counters summed, the mean weighted by runs, the worst run.</summary>
    public ContainerStateReport ToFleetReport()
    {
        var programs = Metrics.Programs;
        long runs = programs.Sum(p => p.Runs);
        return new ContainerStateReport(Name, Sequence, State.ToString().ToLowerInvariant(), runs, programs.Sum(p => p.Faults),
            programs.Sum(p => p.BudgetHits), programs.Sum(p => p.Throttled),
            runs == 0 ? 0 : programs.Sum(p => p.MeanNs * p.Runs) / runs, programs.Select(p => p.MaxNs).DefaultIfEmpty().Max(),
            Metrics.Published, Metrics.Dropped, LastFault);
    }
}
