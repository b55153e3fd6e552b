using Firmware.Device.Hosting;
using Firmware.Device.Patches;
using Firmware.Device.Store;

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
public sealed record PatchReport(string Hook, ulong Sequence, string Kind, PatchState State, PatchStatistics Statistics, string? LastFault);

/// <summary>What a device says about itself.</summary>
public sealed record DeviceStatus(string Id, string Board, string FirmwareBuildId, IReadOnlyList<PatchReport> Patches, GatewayCounters Counters);
