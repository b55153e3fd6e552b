using Firmware.Device.Agent;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using MQTTnet;

namespace Firmware.Device.Transport;

/// <summary>
/// A device on the fleet's MQTT broker (docs/fleet-protocol.md): a persistent session subscribed to its
/// jobs topic, so commands published while it is offline arrive when it reconnects; reconnects with
/// backoff; acts only on commands signed by a trusted key, for this device, never seen before; reports
/// every outcome (refusals included) on its results topic and keeps its retained status current.
/// </summary>
public sealed class MqttTransport : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    /// <summary>How often a device with containers republishes its status, so their counters stay current on the host.</summary>
    public static readonly TimeSpan ContainerStatusInterval = TimeSpan.FromSeconds(2);

    private readonly DeviceAgent _agent;
    private readonly BrokerAddress _broker;
    private readonly Action<string> _trace;
    private readonly IMqttClient _client;
    private readonly CommandChunks.Assembler _assembler = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completed while the device may be online; <see cref="GoOfflineAsync"/> replaces it.</summary>
    private TaskCompletionSource _mayConnect = Completed();

    private readonly string? _group;

    public MqttTransport(DeviceAgent agent, BrokerAddress broker, Action<string> trace, string? group = null)
    {
        _group = group;
        _agent = agent;
        _broker = broker;
        _trace = trace;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessage;
        _client.DisconnectedAsync += _ => { _disconnected.TrySetResult(); return Task.CompletedTask; };
        agent.Events += evt => { _ = PublishStatusAsync(CancellationToken.None); };
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Stays connected until cancelled, reconnecting with exponential backoff.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var telemetry = PumpTelemetryAsync(cancellationToken);
        var refresh = RefreshStatusAsync(cancellationToken);
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _mayConnect.Task.WaitAsync(cancellationToken);
                _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
                await ConnectAsync(cancellationToken);
                backoff = TimeSpan.FromMilliseconds(250);
                await _disconnected.Task.WaitAsync(cancellationToken);
                _trace($"{_agent.Id}: disconnected from {_broker}; reconnecting");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever failed (network, broker refusal, a timeout), a device keeps trying: its loop must never end silently.
                _trace($"{_agent.Id}: cannot reach {_broker} ({e.Message}); retrying in {backoff.TotalSeconds:0.##} s");
                await Task.Delay(backoff, cancellationToken).ContinueWith(_ => { });
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        await Task.WhenAll(telemetry, refresh);
        if (_client.IsConnected)
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
    }

    /// <summary>Sends what the containers publish, each on its container's telemetry topic; while offline it is dropped (at most once).</summary>
    private async Task PumpTelemetryAsync(CancellationToken cancellationToken)
    {
        var reader = _agent.Telemetry.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
                while (reader.TryRead(out var message))
                    await PublishQuietlyAsync(FleetMqtt.Message(FleetTopics.Telemetry(_agent.Id, message.Container), message.Data, atMostOnce: true), cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RefreshStatusAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ContainerStatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                if (_agent.HasContainers) await PublishStatusAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Takes the device off the network until <see cref="GoOnline"/> (tests and the demo): it drops the
    /// connection as a lost link would (the broker publishes its "offline" will) and keeps its session,
    /// so commands published meanwhile wait for it.
    /// </summary>
    public async Task GoOfflineAsync()
    {
        _mayConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_client.IsConnected) return;
        // Say so explicitly too: not every broker publishes the will on a disconnect that asks for it (MQTTnet's server does not).
        await _client.PublishAsync(FleetMqtt.Message(FleetTopics.Presence(_agent.Id), FleetTopics.Offline.ToArray(), retain: true));
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder()
                .WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build());
    }

    public void GoOnline() => _mayConnect.TrySetResult();

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = FleetMqtt.Options(_broker, _agent.Id, persistentSession: true)
            .WithWillTopic(FleetTopics.Presence(_agent.Id))
            .WithWillPayload(FleetTopics.Offline.ToArray())
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var connected = await _client.ConnectAsync(options, cancellationToken);
        if (!connected.IsSessionPresent)
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(FleetTopics.Jobs(_agent.Id), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(FleetTopics.ContainerInputs(_agent.Id), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        await _client.PublishAsync(FleetMqtt.Message(FleetTopics.Presence(_agent.Id), FleetTopics.Online.ToArray(), retain: true), cancellationToken);
        await PublishStatusAsync(cancellationToken);
    }

    private async Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        if (FleetTopics.ContainerOfInput(_agent.Id, e.ApplicationMessage.Topic) is { } container)
        {
            byte[] input = FleetMqtt.Payload(e.ApplicationMessage);
            if (input.Length <= Protocol.Containers.TriggerContexts.MaxMessageBytes) _agent.Deliver(container, input);
            else _trace($"{_agent.Id}: dropped a {input.Length}-byte message for container {container} (at most {Protocol.Containers.TriggerContexts.MaxMessageBytes})");
            return;
        }
        if (e.ApplicationMessage.Topic != FleetTopics.Jobs(_agent.Id)) return;
        byte[]? whole = _assembler.Add(FleetMqtt.Payload(e.ApplicationMessage), out string? error);
        if (error is not null)
        {
            await PublishResultAsync(new JobResult("", _agent.Id, false, $"refused a message on the jobs topic: {error}"), null);
            return;
        }
        if (whole is null) return;
        await _gate.WaitAsync();
        try
        {
            var (result, id) = _agent.Accept(whole);
            await PublishResultAsync(result, id);
            if (id is not null) await PublishStatusAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task PublishResultAsync(JobResult result, byte[]? correlation)
    {
        if (result.Job.Length == 0) _trace($"{_agent.Id}: {result.Message}");
        return _client.IsConnected
            ? _client.PublishAsync(FleetMqtt.Message(FleetTopics.Results(_agent.Id), FleetJson.Encode(result), correlation: correlation))
            : Task.CompletedTask;
    }

    private Task PublishStatusAsync(CancellationToken cancellationToken) =>
        PublishQuietlyAsync(FleetMqtt.Message(FleetTopics.Status(_agent.Id), FleetJson.Encode(_agent.Report() with { Group = _group }), retain: true), cancellationToken);

    /// <summary>Publishes if connected; a connection lost meanwhile is not an error (status is published again on reconnect).</summary>
    private async Task PublishQuietlyAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected) return;
        try
        {
            await _client.PublishAsync(message, cancellationToken);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        _client.Dispose();
    }
}
