using System.Net;
using MQTTnet.Server;

namespace Firmware.Tools.Fleet;

/// <summary>
/// The embedded MQTT 5 broker (MQTTnet's server): what `fwctl broker` and the demo run, so a fleet needs
/// nothing installed. Persistent sessions are on: offline devices get the commands queued for them.
/// Listens on loopback unless told otherwise.
/// </summary>
public sealed class FleetBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private FleetBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    public static async Task<FleetBroker> StartAsync(int port, IPAddress? address = null)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address ?? IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(10_000)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync();
        return new FleetBroker(server, port);
    }

    /// <summary>A free TCP port on loopback (for tests and the demo).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }
}
