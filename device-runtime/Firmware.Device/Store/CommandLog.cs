using Firmware.Protocol.Fleet;

namespace Firmware.Device.Store;

/// <summary>
/// The commands a device has acted on, by id, with the result it reported: a command delivered twice
/// (QoS 1 redelivery, a replay by a rogue client) is answered with the stored result and never acted on
/// again, also across restarts. Kept in STATE/commands.json (write, flush, rename), newest
/// <see cref="Capacity"/> ids.
/// </summary>
public sealed class CommandLog
{
    public const int Capacity = 4096;
    private readonly string _path;
    private readonly List<JobResult> _results;

    public CommandLog(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, "commands.json");
        _results = File.Exists(_path) ? FleetJson.Decode<List<JobResult>>(File.ReadAllBytes(_path)) ?? [] : [];
    }

    public JobResult? Find(string job) => _results.FirstOrDefault(r => r.Job == job);

    public void Record(JobResult result)
    {
        _results.Add(result);
        if (_results.Count > Capacity) _results.RemoveRange(0, _results.Count - Capacity);
        AtomicFile.Write(_path, FleetJson.Encode(_results));
    }
}
