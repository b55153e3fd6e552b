using System.Text.Json;
using Firmware.Device.Agent;

namespace Fwagent;

/// <summary>The agent's stdout: one JSON object per line (answers, events, the ready line), written whole under a lock.</summary>
public sealed class ControlOutput(TextWriter writer)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        IncludeFields = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly Lock _gate = new();

    public void Ready(DeviceAgent agent) =>
        Write(new { Event = "ready", agent.Id, Board = agent.Board.Name, FirmwareBuildId = Convert.ToHexStringLower(agent.Firmware.BuildId) });

    public void Result(string command, CommandResult result) => Write(new { Command = command, result.Ok, result.Message });

    public void Status(DeviceStatus status) => Write(new { Command = "status", Ok = true, Status = status });

    public void Readings(IReadOnlyList<(int Raw, int Value)> readings) =>
        Write(new { Command = "calibrate", Ok = true, Readings = readings.Select(r => new { r.Raw, r.Value }) });

    public void Event(AgentEvent e) => Write(new { Event = e.Kind, e.Hook, e.Sequence, e.Message });

    private void Write(object value)
    {
        string line = JsonSerializer.Serialize(value, Json);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
