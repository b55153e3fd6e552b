using Firmware.Device.Store;
using Firmware.Protocol.Fleet;

namespace Firmware.Device.Agent;

/// <summary>
/// Signed fleet commands, whichever transport brought them (MQTT, a serial upload): verified against the
/// device's trusted keys and its id, acted on at most once per command id (the log survives restarts;
/// a repeat gets the first answer again), and answered with a result for the host.
/// </summary>
public sealed partial class DeviceAgent
{
    private readonly Lock _commandsGate = new();
    private CommandLog? _commands;

    /// <summary>
    /// Acts on a command (or a bare signed package, an install) as received. Returns the result to report
    /// and the command id to correlate it with (null when the command could not be verified).
    /// </summary>
    public (JobResult Result, byte[]? CommandId) Accept(byte[] received)
    {
        var check = FleetCommand.Verify(received, _options.TrustedKeys, Id);
        if (check.Command is not { } command) return (new JobResult("", Id, false, $"refused an unverifiable command: {check.Reason}"), null);
        lock (_commandsGate)
        {
            _commands ??= new CommandLog(_options.StateDirectory);
            if (_commands.Find(command.IdHex) is { } earlier)
                return (earlier with { Message = $"already handled: {earlier.Message}" }, command.Id);
            var outcome = Execute(command);
            var result = new JobResult(command.IdHex, Id, outcome.Ok, outcome.Message);
            _commands.Record(result);
            return (result, command.Id);
        }
    }

    private CommandResult Execute(FleetCommand command) => command.Action switch
    {
        CommandAction.Install => Install(command.Package!),
        CommandAction.Remove => Remove(command.Target),
        CommandAction.Rollback => Rollback(command.Target),
        CommandAction.ContainerStart => StartContainer(command.Target),
        CommandAction.ContainerStop => StopContainer(command.Target),
        _ => RemoveContainer(command.Target),
    };
}
