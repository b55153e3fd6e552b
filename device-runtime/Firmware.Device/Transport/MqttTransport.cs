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

    private readonly DeviceAgent _agent;
    private readonly BrokerAddress _broker;
    private readonly IReadOnlyList<TrustedKey> _trusted;
    private readonly CommandLog _log;
    private readonly Action<string> _trace;
    private readonly IMqttClient _client;
    private readonly CommandChunks.Assembler _assembler = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completed while the device may be online; <see cref="GoOfflineAsync"/> replaces it.</summary>
    private TaskCompletionSource _mayConnect = Completed();

    private readonly string? _group;

    public MqttTransport(DeviceAgent agent, BrokerAddress broker, IReadOnlyList<TrustedKey> trusted, string stateDirectory, Action<string> trace, string? group = null)
    {
        _group = group;
        _agent = agent;
        _broker = broker;
        _trusted = trusted;
        _trace = trace;
        _log = new CommandLog(stateDirectory);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessage;
        _client.DisconnectedAsync += _ => { _disconnected.TrySetResult(); return Task.CompletedTask; };
        agent.Events += evt => { _ = PublishStatusAsync(CancellationToken.None); };
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Stays connected until cancelled, reconnecting with exponential backoff.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
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
        if (_client.IsConnected)
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
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
                .WithTopicFilter(FleetTopics.Jobs(_agent.Id), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        await _client.PublishAsync(FleetMqtt.Message(FleetTopics.Presence(_agent.Id), FleetTopics.Online.ToArray(), retain: true), cancellationToken);
        await PublishStatusAsync(cancellationToken);
    }

    private async Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
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
            var check = FleetCommand.Verify(whole, _trusted, _agent.Id);
            if (check.Command is not { } command)
            {
                await PublishResultAsync(new JobResult("", _agent.Id, false, $"refused an unverifiable command: {check.Reason}"), null);
                return;
            }
            if (_log.Find(command.IdHex) is { } earlier)
            {
                // Redelivered or replayed: report again what happened the first time, do nothing else.
                await PublishResultAsync(earlier with { Message = $"already handled: {earlier.Message}" }, command.Id);
                return;
            }
            var outcome = Execute(command);
            var result = new JobResult(command.IdHex, _agent.Id, outcome.Ok, outcome.Message);
            _log.Record(result);
            await PublishResultAsync(result, command.Id);
            await PublishStatusAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    private CommandResult Execute(FleetCommand command) => command.Action switch
    {
        CommandAction.Install => _agent.Install(command.Package!),
        CommandAction.Remove => _agent.Remove(command.Hook),
        _ => _agent.Rollback(command.Hook),
    };

    private Task PublishResultAsync(JobResult result, byte[]? correlation)
    {
        if (result.Job.Length == 0) _trace($"{_agent.Id}: {result.Message}");
        return _client.IsConnected
            ? _client.PublishAsync(FleetMqtt.Message(FleetTopics.Results(_agent.Id), FleetJson.Encode(result), correlation: correlation))
            : Task.CompletedTask;
    }

    private async Task PublishStatusAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected) return;
        try
        {
            await _client.PublishAsync(FleetMqtt.Message(FleetTopics.Status(_agent.Id), FleetJson.Encode(_agent.Report() with { Group = _group }), retain: true), cancellationToken);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Disconnected meanwhile: the status is published again on reconnect.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        _client.Dispose();
    }
}
