namespace Firmware.Protocol.Fleet;

/// <summary>
/// The MQTT topics of a fleet (docs/fleet-protocol.md). Every device has its own subtree; the broker is
/// not trusted, so what arrives on a device's jobs topic is only acted on when signed (<see cref="FleetCommand"/>).
/// </summary>
public static class FleetTopics
{
    public const string Root = "fwfleet/v1/devices";

    /// <summary>Host → device, QoS 1, never retained: signed commands, chunked (<see cref="CommandChunks"/>).</summary>
    public static string Jobs(string device) => $"{Root}/{device}/jobs";

    /// <summary>Device → host, QoS 1: one <see cref="JobResult"/> per command, with the command id as correlation data.</summary>
    public static string Results(string device) => $"{Root}/{device}/results";

    /// <summary>Device → host, retained: the device's <see cref="DeviceReport"/>, republished after every change.</summary>
    public static string Status(string device) => $"{Root}/{device}/status";

    /// <summary>Device → host, retained: "online", or "offline" (the broker publishes it as the device's last will).</summary>
    public static string Presence(string device) => $"{Root}/{device}/presence";

    /// <summary>Device → anyone, QoS 0, at most once: what container <paramref name="container"/> published with fw_publish, one message each.</summary>
    public static string Telemetry(string device, string container) => $"{Root}/{device}/containers/{container}/telemetry";

    /// <summary>Anyone → device, QoS 1: a message for container <paramref name="container"/>'s message programs (data: the container treats it as untrusted input).</summary>
    public static string ContainerInput(string device, string container) => $"{Root}/{device}/containers/{container}/in";

    /// <summary>The device's subscription to every one of its containers' inputs.</summary>
    public static string ContainerInputs(string device) => ContainerInput(device, "+");

    /// <summary>The container a device's input topic is for, or null for any other topic.</summary>
    public static string? ContainerOfInput(string device, string topic) => ContainerOf(device, topic, "/in");

    /// <summary>The container a device's telemetry topic is from, or null for any other topic.</summary>
    public static string? ContainerOfTelemetry(string device, string topic) => ContainerOf(device, topic, "/telemetry");

    private static string? ContainerOf(string device, string topic, string suffix)
    {
        string prefix = $"{Root}/{device}/containers/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith(suffix, StringComparison.Ordinal)) return null;
        string name = topic[prefix.Length..^suffix.Length];
        return name.Length > 0 && !name.Contains('/') ? name : null;
    }

    /// <summary>The two presence payloads.</summary>
    public static ReadOnlySpan<byte> Online => "online"u8;
    public static ReadOnlySpan<byte> Offline => "offline"u8;

    public static string AllResults => $"{Root}/+/results";
    public static string AllStatus => $"{Root}/+/status";
    public static string AllPresence => $"{Root}/+/presence";
    public static string AllTelemetry => $"{Root}/+/containers/+/telemetry";

    /// <summary>The device id in a topic of this scheme, or null.</summary>
    public static string? DeviceOf(string topic)
    {
        if (!topic.StartsWith(Root + "/", StringComparison.Ordinal)) return null;
        string rest = topic[(Root.Length + 1)..];
        int slash = rest.IndexOf('/');
        return slash > 0 ? rest[..slash] : null;
    }

    /// <summary>Device ids become topic levels: no wildcards, separators or empty ids.</summary>
    public static bool IsValidDeviceId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
