using System.CommandLine;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;
using Firmware.Tools.Fleet;
using Firmware.Tools.Packaging;
using Spectre.Console;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl container deploy|start|stop|remove|list` (docs/containers.md). Deploying (and updating: a
/// package with the same container name and a higher sequence) is a push of a container package, over
/// MQTT or a serial port; start, stop and remove are signed commands to the targets; list shows every
/// device's containers with their counters. Exit 0 when every target did it, 1 when one refused or did
/// not answer, 2 for usage errors.
/// </summary>
public static class ContainerCommand
{
    public static Command Create() => new("container", "Deploys, updates, starts, stops, removes and lists sandboxed containers on devices")
    {
        PushCommand.Create("deploy", "Deploys a container package (or updates the container of the same name in place) on a device over a serial port, or on a fleet over MQTT", PatchKind.Container),
        Control("start", CommandAction.ContainerStart, "Starts a stopped container"),
        Control("stop", CommandAction.ContainerStop, "Stops a running container (it stays deployed; its state is kept)"),
        Control("remove", CommandAction.ContainerRemove, "Removes a container and its state"),
        List(),
    };

    private static Command Control(string name, CommandAction action, string description)
    {
        var container = new Argument<string>("NAME") { Description = "The container's name (fwctl pack --name)" };
        var fleet = new FleetPush.Options();
        var timeout = new Option<double>("--timeout") { HelpName = "S", Description = "Seconds to wait for the devices' answers", DefaultValueFactory = _ => 30 };
        var serial = new Option<string?>("--serial") { HelpName = "PORT", Description = "Send the signed command to one device (--device ID) over its serial port instead" };
        var baud = new Option<int>("--baud") { HelpName = "B", Description = "Line speed", DefaultValueFactory = _ => 115200 };
        var command = new Command(name, description) { container, fleet.Broker, fleet.Device, fleet.Group, fleet.All, fleet.Key, timeout, serial, baud };
        fleet.Key.Required = true;
        command.SetAction(parse =>
        {
            double seconds = parse.GetValue(timeout);
            if (seconds <= 0) throw new UsageException($"--timeout {seconds}: must be positive");
            using var key = KeyFiles.LoadPrivate(parse.GetValue(fleet.Key)!);
            string target = parse.GetValue(container)!;
            if (parse.GetValue(serial) is { } port)
            {
                if (parse.GetValue(fleet.Broker) is not null) throw new UsageException($"container {name} takes --serial or --broker, not both");
                // Commands are bound to one device id, which the signature covers: over a serial link, say which device is on it.
                if (parse.GetValue(fleet.Device) is not [string device]) throw new UsageException($"container {name} --serial needs the device's id: --device ID");
                return PushCommand.Push(FleetCommand.ForContainer(device, action, target).Sign(key), port, parse.GetValue(baud), TimeSpan.FromSeconds(seconds));
            }
            string url = parse.GetValue(fleet.Broker) ?? throw new UsageException($"container {name} needs --broker URL or --serial PORT");
            var (devices, group) = FleetPush.Selection(parse, fleet, $"container {name}");
            return Run(FleetPush.ParseBroker(url), devices, group, action, target, key, TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> Run(BrokerAddress broker, string[] devices, string? group, CommandAction action, string container, SigningKey key, TimeSpan timeout)
    {
        await using var fleet = await FleetPush.Connect(broker);
        var (_, targets) = await FleetPush.Targets(fleet, broker, devices, group);
        Console.Error.WriteLine($"container: {action.WireName()} {container} on {targets.Count} device(s)");
        var answers = await CommandRound.RunAsync(fleet, targets, device => FleetCommand.ForContainer(device, action, container), key, timeout, CancellationToken.None);
        var table = new Table().AddColumns("device", "result", "message");
        foreach (var (device, result) in answers)
            table.AddRow(Markup.Escape(device), result is null ? "no answer" : result.Ok ? "done" : "refused", Markup.Escape(result?.Message ?? $"nothing within {timeout.TotalSeconds:0} s"));
        Cli.WriteTable(table);
        int done = answers.Count(a => a.Result is { Ok: true });
        Console.Out.WriteLine($"container: {done} of {answers.Count} device(s) did it");
        return done == answers.Count ? Cli.Ok : Cli.No;
    }

    private static Command List()
    {
        var broker = new Option<string?>("--broker") { HelpName = "URL", Description = "The fleet's MQTT 5 broker: every device's containers" };
        var serial = new Option<string?>("--serial") { HelpName = "PORT", Description = "One device's containers, read over its serial port instead" };
        var baud = new Option<int>("--baud") { HelpName = "B", Description = "Line speed", DefaultValueFactory = _ => 115200 };
        var json = new Option<bool>("--json") { Description = "One JSON object: {\"containers\": [{\"device\": ..., ...counters}]}" };
        var command = new Command("list", "One row per container on every device: state, runs, faults, budget hits, mean and max ns per run, telemetry") { broker, serial, baud, json };
        command.SetAction(parse =>
        {
            var rows = (parse.GetValue(broker), parse.GetValue(serial)) switch
            {
                ({ } url, null) => FromFleet(FleetPush.ParseBroker(url)).GetAwaiter().GetResult(),
                (null, { } port) => FromSerial(port, parse.GetValue(baud)),
                (null, null) => throw new UsageException("container list needs --broker URL or --serial PORT"),
                _ => throw new UsageException("container list takes --broker or --serial, not both"),
            };
            Show(rows, parse.GetValue(json));
            return Cli.Ok;
        });
        return command;
    }

    private sealed record Listing(IReadOnlyList<(string Device, ContainerStateReport Container)> Rows, int Devices);

    private static async Task<Listing> FromFleet(BrokerAddress broker)
    {
        await using var fleet = await FleetPush.Connect(broker);
        var devices = await fleet.DevicesAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5), CancellationToken.None);
        return new Listing([.. devices.SelectMany(d => (d.Report?.Containers ?? []).Select(c => (d.Id, c)))], devices.Count);
    }

    private static Listing FromSerial(string port, int baud)
    {
        var options = UploaderOptions.ForBaud(baud);
        try
        {
            using var stream = SerialPortStream.Open(port, baud);
            var (device, containers) = ContainerReader.ReadAsync(stream, options, CancellationToken.None).GetAwaiter().GetResult();
            return new Listing([.. containers.Select(c => (device.DeviceId, c))], 1);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or LinkException)
        {
            throw new UsageException($"{port}: {e.Message}");
        }
    }

    private static void Show(Listing listing, bool json)
    {
        var rows = listing.Rows;
        if (json)
        {
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { Containers = rows.Select(r => new { r.Device, r.Container }) }, FleetJson.Options));
            return;
        }
        var table = new Table().AddColumns("device", "container", "state", "runs", "faults", "budget hits", "throttled", "mean ns", "max ns", "published", "dropped", "last fault");
        foreach (var (device, c) in rows)
            table.AddRow(Markup.Escape(device), Markup.Escape($"{c.Name}#{c.Sequence}"), c.State, $"{c.Runs:N0}", $"{c.Faults}", $"{c.BudgetHits}", $"{c.Throttled:N0}",
                $"{c.MeanNs:N0}", $"{c.MaxNs:N0}", $"{c.Published:N0}", $"{c.Dropped:N0}", Markup.Escape(c.LastFault ?? ""));
        Cli.WriteTable(table);
        Console.Out.WriteLine($"{rows.Count} container(s) on {listing.Devices} device(s)");
    }
}
