using System.Text.Json;
using System.Text.Json.Serialization;

namespace Firmware.Protocol.Fleet;

/// <summary>What a device did with a command (or why it refused it), published on its results topic.</summary>
public sealed record JobResult(string Job, string Device, bool Ok, string Message);

/// <summary>One stored patch as a device reports it.</summary>
public sealed record PatchStateReport(string Hook, ulong Sequence, string Kind, string State, long Runs, long Faults, long BudgetHits);

/// <summary>
/// What a device says about itself, retained on its status topic: the host's fleet view is made of these.
/// <see cref="Group"/> is the rollout group it was deployed in (`fwagent --group`), if any.
/// </summary>
public sealed record DeviceReport(string Device, string Board, string FirmwareBuildId, IReadOnlyList<PatchStateReport> Patches, string? Group = null,
    IReadOnlyList<ContainerStateReport>? Containers = null);

/// <summary>
/// One container as a device reports it (docs/containers.md): state (running, stopped, faulted), runs,
/// faults, budget overruns, runs skipped by its rate limit, mean and worst ns per run, telemetry
/// published and dropped, and the fault that stopped it.
/// </summary>
public sealed record ContainerStateReport(string Name, ulong Sequence, string State, long Runs, long Faults, long BudgetHits, long Throttled,
    long MeanNs, long MaxNs, long Published, long Dropped, string? LastFault);

/// <summary>The one JSON encoding of fleet messages, used by devices and hosts alike.</summary>
public static class FleetJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static byte[] Encode<T>(T message) => JsonSerializer.SerializeToUtf8Bytes(message, Options);

    /// <summary>Null for anything that is not a well-formed message of that type (the broker is not trusted).</summary>
    public static T? Decode<T>(ReadOnlySpan<byte> json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
