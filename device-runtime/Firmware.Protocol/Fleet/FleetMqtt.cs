using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace Firmware.Protocol.Fleet;

/// <summary>The MQTT 5 settings hosts and devices share: persistent sessions, QoS 1, TLS and credentials from the address.</summary>
public static class FleetMqtt
{
    /// <summary>How long the broker keeps a disconnected device's session and queued commands.</summary>
    public static readonly TimeSpan SessionExpiry = TimeSpan.FromDays(7);

    public static MqttClientOptionsBuilder Options(BrokerAddress broker, string clientId, bool persistentSession)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(!persistentSession)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (persistentSession) builder.WithSessionExpiryInterval((uint)SessionExpiry.TotalSeconds);
        if (broker.User is not null) builder.WithCredentials(broker.User, broker.Password);
        if (broker.Tls) builder.WithTlsOptions(tls => tls.UseTls());
        return builder;
    }

    /// <summary>QoS 1 unless <paramref name="atMostOnce"/> (telemetry: a lost sample is cheaper than a queue).</summary>
    public static MqttApplicationMessage Message(string topic, byte[] payload, bool retain = false, byte[]? correlation = null, bool atMostOnce = false)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(atMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain);
        if (correlation is not null) builder.WithCorrelationData(correlation);
        return builder.Build();
    }

    public static byte[] Payload(MqttApplicationMessage message) => message.Payload.ToArray();
}
