using System.CommandLine;
using Firmware.Tools.Fleet;

namespace Fwctl.Commands;

/// <summary>`fwctl broker [--port P]`: the embedded MQTT 5 broker on loopback, until Ctrl-C.</summary>
public static class BrokerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { HelpName = "P", Description = "TCP port on 127.0.0.1", DefaultValueFactory = _ => 1883 };
        var command = new Command("broker", "Runs the embedded MQTT 5 broker (persistent sessions) on 127.0.0.1 until Ctrl-C") { port };
        command.SetAction(parse =>
        {
            int value = parse.GetValue(port);
            if (value is <= 0 or > 65535) throw new UsageException($"--port {value}: expected 1..65535");
            FleetBroker broker;
            try
            {
                broker = FleetBroker.StartAsync(value).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                throw new UsageException($"cannot listen on 127.0.0.1:{value}: {e.Message}");
            }
            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
            Console.Out.WriteLine($"broker: mqtt://127.0.0.1:{value} (Ctrl-C stops)");
            stop.Wait();
            broker.DisposeAsync().AsTask().Wait();
            return Cli.Ok;
        });
        return command;
    }
}
