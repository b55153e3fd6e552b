using System.Threading.Channels;

namespace Firmware.Device.Containers;

/// <summary>One message a container published with fw_publish.</summary>
public sealed record TelemetryMessage(string Container, byte[] Data);

/// <summary>
/// The device's outgoing container telemetry: containers write from whatever thread runs them, one
/// transport reads (MQTT publishes each on the container's telemetry topic). Bounded: when the transport
/// falls behind, new messages are dropped and counted, never queued without limit.
/// </summary>
public sealed class Telemetry
{
    public const int Capacity = 256;

    private readonly Channel<TelemetryMessage> _channel = Channel.CreateBounded<TelemetryMessage>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<TelemetryMessage> Reader => _channel.Reader;

    internal bool TryWrite(TelemetryMessage message) => _channel.Writer.TryWrite(message);
}
