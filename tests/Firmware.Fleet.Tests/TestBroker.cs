using System.Diagnostics;
using System.Net.Sockets;
using Firmware.Protocol.Fleet;
using Firmware.Tools.Fleet;

namespace Firmware.Fleet.Tests;

/// <summary>A broker for one test: the embedded MQTTnet server, or a real mosquitto process on a free port.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    public const string Embedded = "embedded";
    public const string Mosquitto = "mosquitto";

    private readonly FleetBroker? _embedded;
    private readonly Process? _mosquitto;

    private TestBroker(BrokerAddress address, FleetBroker? embedded, Process? mosquitto)
    {
        Address = address;
        _embedded = embedded;
        _mosquitto = mosquitto;
    }

    public BrokerAddress Address { get; }

    public static async Task<TestBroker> StartAsync(string kind)
    {
        int port = FleetBroker.FreePort();
        var address = new BrokerAddress("127.0.0.1", port, false, null, null);
        if (kind == Embedded) return new TestBroker(address, await FleetBroker.StartAsync(port), null);
        string binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        var process = Process.Start(new ProcessStartInfo(binary, ["-p", port.ToString()]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("cannot start mosquitto");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return new TestBroker(address, null, process);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(20);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
        if (_mosquitto is not null)
        {
            _mosquitto.Kill();
            await _mosquitto.WaitForExitAsync();
            _mosquitto.Dispose();
        }
    }
}
