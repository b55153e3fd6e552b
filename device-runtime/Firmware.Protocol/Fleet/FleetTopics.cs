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

    /// <summary>The two presence payloads.</summary>
    public static ReadOnlySpan<byte> Online => "online"u8;
    public static ReadOnlySpan<byte> Offline => "offline"u8;

    public static string AllResults => $"{Root}/+/results";
    public static string AllStatus => $"{Root}/+/status";
    public static string AllPresence => $"{Root}/+/presence";

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
