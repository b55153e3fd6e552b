using System.CommandLine;
using Firmware.Protocol.Fleet;
using Spectre.Console;

namespace Fwctl.Commands;

/// <summary>`fwctl fleet status --broker URL [--json]`: every device with board, firmware build, presence and patch states.</summary>
public static class FleetStatusCommand
{
    public static Command Create()
    {
        var broker = new Option<string>("--broker") { HelpName = "URL", Description = "The fleet's MQTT 5 broker", Required = true };
        var json = new Option<bool>("--json") { Description = "One JSON object: {\"devices\": [...]}" };
        var status = new Command("status", "One row per device: id, board, firmware build, group, online, patches and containers with state (--json: with counters)") { broker, json };
        status.SetAction(parse =>
        {
            return Show(FleetPush.ParseBroker(parse.GetValue(broker)!), parse.GetValue(json)).GetAwaiter().GetResult();
        });
        return new Command("fleet", "Shows the fleet") { status };
    }

    private static async Task<int> Show(BrokerAddress broker, bool json)
    {
        await using var fleet = await FleetPush.Connect(broker);
        var devices = await fleet.DevicesAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5), CancellationToken.None);
        if (json)
        {
            var rows = devices.Select(d => new { d.Id, d.Online, d.Report?.Board, d.Report?.FirmwareBuildId, d.Report?.Group, Patches = d.Report?.Patches ?? [],
                Containers = d.Report?.Containers ?? [] });
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { Devices = rows }, FleetJson.Options));
            return Cli.Ok;
        }
        var table = new Table().AddColumns("device", "online", "board", "firmware build", "group", "patches", "containers");
        foreach (var d in devices)
            table.AddRow(Markup.Escape(d.Id), d.Online ? "yes" : "no", Markup.Escape(d.Report?.Board ?? "?"), Markup.Escape(d.Report?.FirmwareBuildId[..Math.Min(12, d.Report.FirmwareBuildId.Length)] ?? "?"),
                Markup.Escape(d.Report?.Group ?? ""), Markup.Escape(string.Join(", ", d.Report?.Patches.Select(p => $"{p.Hook}#{p.Sequence} {p.State}") ?? [])),
                Markup.Escape(string.Join(", ", d.Report?.Containers?.Select(c => $"{c.Name}#{c.Sequence} {c.State}") ?? [])));
        Cli.WriteTable(table);
        Console.Out.WriteLine($"{devices.Count} device(s), {devices.Count(d => d.Online)} online");
        return Cli.Ok;
    }
}
