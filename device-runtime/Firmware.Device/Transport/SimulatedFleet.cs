using Firmware.Device.Agent;
using Firmware.Protocol.Fleet;

namespace Firmware.Device.Transport;

/// <summary>
/// N independent devices in one process (`fwagent --simulate N`): ids PREFIX-0001.., each with its own
/// state directory, its own copy of the firmware library (its own globals and hooked functions) and its
/// own MQTT session. The firmware is built once.
/// </summary>
public sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly List<Task> _running = [];
    private readonly CancellationTokenSource _stop = new();

    private SimulatedFleet(IReadOnlyList<SimulatedDevice> devices) => Devices = devices;

    public IReadOnlyList<SimulatedDevice> Devices { get; }

    public static string DeviceId(string prefix, int index) => $"{prefix}-{index:D4}";

    /// <summary>Starts <paramref name="count"/> devices; <paramref name="template"/> gives board, keys and the state root.</summary>
    public static SimulatedFleet Start(AgentOptions template, int count, BrokerAddress broker, Action<string> trace, string? group = null)
    {
        var devices = new List<SimulatedDevice>(count);
        string cache = Path.Combine(template.StateDirectory, ".firmware");
        for (int i = 1; i <= count; i++)
        {
            string id = DeviceId(template.Id, i), state = Path.Combine(template.StateDirectory, id);
            var agent = DeviceAgent.Start(template with { Id = id, StateDirectory = state, FirmwareCache = cache });
            devices.Add(new SimulatedDevice(agent, new MqttTransport(agent, broker, trace, group)));
        }
        var fleet = new SimulatedFleet(devices);
        foreach (var device in devices) fleet._running.Add(device.Transport.RunAsync(fleet._stop.Token));
        return fleet;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_running);
        foreach (var device in Devices) await device.Transport.DisposeAsync();
    }
}

public sealed record SimulatedDevice(DeviceAgent Agent, MqttTransport Transport);
