namespace Firmware.Protocol.Fleet;

/// <summary>
/// Where the fleet's MQTT 5 broker is: <c>mqtt://[user[:password]@]host[:port]</c>, or <c>mqtts://</c> for
/// TLS (default ports 1883 and 8883). Hosts and devices parse it the same way.
/// </summary>
public sealed record BrokerAddress(string Host, int Port, bool Tls, string? User, string? Password)
{
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;

    public static BrokerAddress Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || string.IsNullOrEmpty(uri.Host))
            throw new FormatException($"'{url}' is not a broker address (mqtt://host:port or mqtts://host:port)");
        bool tls = uri.Scheme == "mqtts";
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }
        return new BrokerAddress(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? (tls ? DefaultTlsPort : DefaultPort) : uri.Port, tls, user, password);
    }

    public override string ToString() => $"{(Tls ? "mqtts" : "mqtt")}://{Host}:{Port}";
}
