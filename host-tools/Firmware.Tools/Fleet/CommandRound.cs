using System.Collections.Concurrent;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;

namespace Firmware.Tools.Fleet;

/// <summary>
/// One signed command to each of several devices, and their answers: what `fwctl container start|stop|remove`
/// does. A device that does not answer within the timeout has a null result (offline devices get the
/// command when they return: their session keeps it).
/// </summary>
public static class CommandRound
{
    public static async Task<IReadOnlyList<(string Device, JobResult? Result)>> RunAsync(FleetConnection fleet, IReadOnlyList<string> devices,
        Func<string, FleetCommand> command, SigningKey key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var commands = devices.ToDictionary(d => d, command);
        var pending = commands.Values.ToDictionary(c => c.IdHex, c => c.Device);
        var results = new ConcurrentDictionary<string, JobResult>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnResult(JobResult result)
        {
            if (pending.TryGetValue(result.Job, out string? device) && device == result.Device && results.TryAdd(device, result) && results.Count == pending.Count)
                done.TrySetResult();
        }
        fleet.Results += OnResult;
        try
        {
            foreach (var c in commands.Values) await fleet.SendAsync(c, key, cancellationToken);
            if (commands.Count == 0) done.TrySetResult();
            await Task.WhenAny(done.Task, Task.Delay(timeout, cancellationToken));
        }
        finally
        {
            fleet.Results -= OnResult;
        }
        return [.. devices.Select(d => (d, results.GetValueOrDefault(d)))];
    }
}
