using System.Collections.Concurrent;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using MQTTnet;

namespace Firmware.Tools.Fleet;

/// <summary>What the host knows of one device: its retained status and presence.</summary>
public sealed record DeviceView(string Id, DeviceReport? Report, bool Online);

/// <summary>
/// The host's side of the fleet protocol (docs/fleet-protocol.md): sees every device's retained status
/// and presence, sends signed commands (chunked), and delivers the devices' results as they arrive.
/// A retained message published while this connection's subscription is being set up can be missed on
/// MQTTnet's broker; in-process fleets (tests, demo, bench) therefore connect the host first.
/// </summary>
public sealed class FleetConnection : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, DeviceReport> _reports = new();
    private readonly ConcurrentDictionary<string, bool> _online = new();

    private FleetConnection(IMqttClient client) => _client = client;

    /// <summary>Every result a device publishes, refusals of unverifiable commands included.</summary>
    public event Action<JobResult>? Results;

    /// <summary>Every status a device publishes.</summary>
    public event Action<DeviceReport>? Reports;

    /// <summary>Every message a device's container publishes: device, container, data.</summary>
    public event Action<string, string, byte[]>? Telemetry;

    public static async Task<FleetConnection> ConnectAsync(BrokerAddress broker, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var connection = new FleetConnection(client);
        client.ApplicationMessageReceivedAsync += e => { connection.OnMessage(e.ApplicationMessage); return Task.CompletedTask; };
        string id = "fwctl-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        await client.ConnectAsync(FleetMqtt.Options(broker, id, persistentSession: false).Build(), cancellationToken);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(FleetTopics.AllStatus, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(FleetTopics.AllPresence, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(FleetTopics.AllResults, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(FleetTopics.AllTelemetry, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce)
            .Build();
        await client.SubscribeAsync(subscribe, cancellationToken);
        return connection;
    }

    /// <summary>
    /// The devices known so far. Retained statuses arrive right after subscribing; waits until none has
    /// arrived for <paramref name="settle"/> (or <paramref name="max"/> passed), then answers.
    /// </summary>
    public async Task<IReadOnlyList<DeviceView>> DevicesAsync(TimeSpan settle, TimeSpan max, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + max;
        int count = -1;
        while (DateTime.UtcNow < deadline && count != _reports.Count + _online.Count)
        {
            count = _reports.Count + _online.Count;
            await Task.Delay(settle, cancellationToken);
        }
        return Devices;
    }

    public IReadOnlyList<DeviceView> Devices => [.. _reports.Keys.Union(_online.Keys).Order(StringComparer.Ordinal)
        .Select(id => new DeviceView(id, _reports.GetValueOrDefault(id), IsOnline(id)))];

    /// <summary>Whether the device's last presence said online (no list is built: rollouts ask often).</summary>
    public bool IsOnline(string device) => _online.GetValueOrDefault(device);

    /// <summary>Publishes a command, signed with <paramref name="key"/> (without one, only a bare-package install can be sent).</summary>
    public async Task SendAsync(FleetCommand command, SigningKey? key, CancellationToken cancellationToken)
    {
        foreach (var chunk in CommandChunks.Split(command.Encode(key)))
            await _client.PublishAsync(FleetMqtt.Message(FleetTopics.Jobs(command.Device), chunk), cancellationToken);
    }

    /// <summary>Sends <paramref name="data"/> to a device's container (its message programs run on it); unsigned: containers treat input as untrusted.</summary>
    public Task SendToContainerAsync(string device, string container, byte[] data, CancellationToken cancellationToken) =>
        _client.PublishAsync(FleetMqtt.Message(FleetTopics.ContainerInput(device, container), data), cancellationToken);

    private void OnMessage(MqttApplicationMessage message)
    {
        string? device = FleetTopics.DeviceOf(message.Topic);
        if (device is null) return;
        byte[] payload = FleetMqtt.Payload(message);
        if (message.Topic == FleetTopics.Presence(device))
            _online[device] = payload.AsSpan().SequenceEqual(FleetTopics.Online);
        else if (message.Topic == FleetTopics.Status(device) && FleetJson.Decode<DeviceReport>(payload) is { } report && report.Device == device)
        {
            _reports[device] = report;
            Reports?.Invoke(report);
        }
        else if (message.Topic == FleetTopics.Results(device) && FleetJson.Decode<JobResult>(payload) is { } result && result.Device == device)
            Results?.Invoke(result);
        else if (FleetTopics.ContainerOfTelemetry(device, message.Topic) is { } container)
            Telemetry?.Invoke(device, container, payload);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        _client.Dispose();
    }
}
