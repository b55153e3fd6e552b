using System.Collections.Concurrent;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;

namespace Firmware.Tools.Fleet;

/// <summary>Where one device stands in a rollout.</summary>
public enum DeviceRolloutState
{
    Queued,
    Sent,
    Applied,
    Rejected,
    RolledBack,
    /// <summary>Never answered before the rollout's deadline (offline the whole time).</summary>
    TimedOut,
}

public sealed record DeviceOutcome(string Device, DeviceRolloutState State, string Message);

/// <summary>How a rollout proceeds: <see cref="CanaryPercent"/> of the targets first, then the rest in <see cref="Waves"/> waves.</summary>
public sealed record RolloutOptions(double CanaryPercent = 10, double MaxFailuresPercent = 0, int Waves = 3, TimeSpan? Timeout = null)
{
    public TimeSpan Deadline => Timeout ?? TimeSpan.FromMinutes(10);
}

/// <summary>Where a rollout stands, after each change (for progress bars).</summary>
public sealed record RolloutProgress(int Targets, int Sent, int Applied, int Failed, string Phase);

public sealed record RolloutReport(bool Aborted, string Summary, IReadOnlyList<DeviceOutcome> Devices)
{
    public bool Succeeded => !Aborted && Devices.All(d => d.State == DeviceRolloutState.Applied);
}

/// <summary>
/// A staged rollout of one package (hawkBit/AWS IoT Jobs style): the canary devices first; then waves.
/// A wave is done when each of its devices answered or is offline (an offline device's command waits
/// in its persistent session and is counted when it answers). When failures exceed
/// <see cref="RolloutOptions.MaxFailuresPercent"/> of the targets (any canary failure does), no further
/// wave starts and every device that applied gets a signed rollback command. The rollout ends when every
/// device answered, or at the deadline. Without a key, installs travel as the bare signed package and an
/// abort cannot roll back (rollback commands must be signed); the summary says so.
/// </summary>
public sealed class Rollout(FleetConnection fleet, SigningKey? key, RolloutOptions options)
{
    private readonly ConcurrentDictionary<string, DeviceOutcome> _outcomes = new();
    /// <summary>(Command id, device) of every install sent, and of every rollback.</summary>
    private readonly ConcurrentDictionary<(string Job, string Device), bool> _installs = new();
    private readonly ConcurrentDictionary<(string Job, string Device), bool> _rollbacks = new();
    private readonly SemaphoreSlim _changed = new(0);

    public async Task<RolloutReport> RunAsync(byte[] package, string hook, IReadOnlyList<string> targets, IProgress<RolloutProgress>? progress, CancellationToken cancellationToken)
    {
        if (targets.Count == 0) return new RolloutReport(false, "no target devices", []);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Deadline);
        foreach (var target in targets) _outcomes[target] = new DeviceOutcome(target, DeviceRolloutState.Queued, "");
        fleet.Results += OnResult;
        try
        {
            int canaries = options.CanaryPercent <= 0 ? 0 : Math.Clamp((int)Math.Ceiling(targets.Count * options.CanaryPercent / 100), 1, targets.Count);
            var stages = new List<(string Phase, IReadOnlyList<string> Devices)>();
            if (canaries > 0) stages.Add(("canary", targets.Take(canaries).ToList()));
            var rest = targets.Skip(canaries).ToList();
            int waveSize = Math.Max(1, (int)Math.Ceiling(rest.Count / (double)Math.Max(1, options.Waves)));
            for (int i = 0; i < rest.Count; i += waveSize)
                stages.Add(($"wave {stages.Count(s => s.Phase.StartsWith("wave")) + 1}", rest.Skip(i).Take(waveSize).ToList()));

            string? abortReason = null;
            foreach (var (phase, devices) in stages)
            {
                foreach (var device in devices)
                {
                    var command = key is null ? FleetCommand.InstallPackage(device, hook, package) : FleetCommand.Install(device, hook, package);
                    _installs[(command.IdHex, device)] = true;
                    _outcomes[device] = new DeviceOutcome(device, DeviceRolloutState.Sent, "");
                    await fleet.SendAsync(command, key, deadline.Token);
                }
                Report(progress, targets.Count, phase);
                bool canaryPhase = phase == "canary";
                await WaitAsync(() => devices.All(d => Answered(d) || (!canaryPhase && !fleet.IsOnline(d))), progress, targets.Count, phase, deadline.Token);
                abortReason = AbortReason(targets.Count, canaryPhase, devices);
                if (abortReason is not null) break;
            }
            if (abortReason is null)
            {
                await WaitAsync(() => targets.All(Answered), progress, targets.Count, "waiting for offline devices", deadline.Token);
                abortReason = AbortReason(targets.Count, false, targets);
            }
            if (abortReason is not null)
            {
                if (key is null)
                    return Finish(true, $"aborted: {abortReason}; {Count(DeviceRolloutState.Applied)} device(s) that applied were not rolled back (rollback commands need --key)");
                await RollBackAsync(hook, progress, targets.Count, deadline.Token);
                return Finish(true, $"aborted: {abortReason}; {Count(DeviceRolloutState.RolledBack)} device(s) rolled back");
            }
            return Finish(false, $"{Count(DeviceRolloutState.Applied)} of {targets.Count} device(s) applied");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (device, outcome) in _outcomes)
                if (outcome.State is DeviceRolloutState.Sent or DeviceRolloutState.Queued)
                    _outcomes[device] = outcome with { State = DeviceRolloutState.TimedOut, Message = $"no answer within {options.Deadline.TotalSeconds:0} s" };
            return Finish(false, $"deadline reached: {Count(DeviceRolloutState.Applied)} of {targets.Count} applied, {Count(DeviceRolloutState.TimedOut)} did not answer");
        }
        finally
        {
            fleet.Results -= OnResult;
        }
    }

    private string? AbortReason(int targets, bool canary, IReadOnlyList<string> stage)
    {
        int failed = Count(DeviceRolloutState.Rejected);
        if (canary && stage.Any(d => _outcomes[d].State == DeviceRolloutState.Rejected))
            return $"canary {stage.First(d => _outcomes[d].State == DeviceRolloutState.Rejected)} rejected the package: {stage.Select(d => _outcomes[d]).First(o => o.State == DeviceRolloutState.Rejected).Message}";
        return failed * 100.0 / targets > options.MaxFailuresPercent
            ? $"{failed} of {targets} device(s) rejected the package (more than {options.MaxFailuresPercent}% allowed)"
            : null;
    }

    private async Task RollBackAsync(string hook, IProgress<RolloutProgress>? progress, int targets, CancellationToken cancellationToken)
    {
        var applied = _outcomes.Values.Where(o => o.State == DeviceRolloutState.Applied).Select(o => o.Device).ToList();
        foreach (var device in applied)
        {
            var command = FleetCommand.Rollback(device, hook);
            _rollbacks[(command.IdHex, device)] = true;
            await fleet.SendAsync(command, key, cancellationToken);
        }
        await WaitAsync(() => applied.All(d => _outcomes[d].State == DeviceRolloutState.RolledBack || !fleet.IsOnline(d)), progress, targets, "rolling back", cancellationToken);
    }

    private void OnResult(JobResult result)
    {
        var job = (result.Job, result.Device);
        bool rollback = _rollbacks.ContainsKey(job);
        if (!rollback && !_installs.ContainsKey(job)) return;
        string device = result.Device;
        var state = rollback
            ? (result.Ok ? DeviceRolloutState.RolledBack : DeviceRolloutState.Applied)
            : (result.Ok ? DeviceRolloutState.Applied : DeviceRolloutState.Rejected);
        _outcomes[device] = new DeviceOutcome(device, state, result.Message);
        _changed.Release();
    }

    private bool Answered(string device) => _outcomes[device].State is not (DeviceRolloutState.Sent or DeviceRolloutState.Queued);

    private async Task WaitAsync(Func<bool> done, IProgress<RolloutProgress>? progress, int targets, string phase, CancellationToken cancellationToken)
    {
        while (!done())
        {
            // Presence changes carry no result: re-check at least every 100 ms.
            await _changed.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
            Report(progress, targets, phase);
        }
        Report(progress, targets, phase);
    }

    private void Report(IProgress<RolloutProgress>? progress, int targets, string phase) => progress?.Report(new RolloutProgress(
        targets, _outcomes.Values.Count(o => o.State != DeviceRolloutState.Queued), Count(DeviceRolloutState.Applied), Count(DeviceRolloutState.Rejected), phase));

    private int Count(DeviceRolloutState state) => _outcomes.Values.Count(o => o.State == state);

    private RolloutReport Finish(bool aborted, string summary) =>
        new(aborted, summary, [.. _outcomes.Values.OrderBy(o => o.Device, StringComparer.Ordinal)]);
}
