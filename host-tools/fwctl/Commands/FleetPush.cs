using System.CommandLine;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using Firmware.Tools.Fleet;
using Firmware.Tools.Packaging;
using Spectre.Console;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl push PACKAGE --broker URL (--device ID | --group G | --all) [--key K.key] [--canary PCT]
/// [--max-failures PCT] [--timeout S]`: a staged rollout (<see cref="Rollout"/>) with live progress and a
/// final table. Exit 0 when every target applied, 1 when the rollout aborted or a target failed or never
/// answered, 2 for usage errors, an unreadable package or key, or an unreachable broker.
/// </summary>
public static class FleetPush
{
    public sealed class Options
    {
        public Option<string?> Broker { get; } = new("--broker") { HelpName = "URL", Description = "Roll out over this MQTT 5 broker: mqtt://[user:pass@]host:port (mqtts:// for TLS)" };
        public Option<string[]> Device { get; } = new("--device") { HelpName = "ID", Description = "Target device (repeatable)", AllowMultipleArgumentsPerToken = true };
        public Option<string?> Group { get; } = new("--group") { HelpName = "G", Description = "Target every device of a group (fwagent --group)" };
        public Option<bool> All { get; } = new("--all") { Description = "Target every device the broker knows" };
        public Option<string?> Key { get; } = new("--key") { HelpName = "NAME.key", Description = "Private key signing the rollout's commands (devices must trust its .pub). Without it the signed package alone is sent, and an abort cannot roll devices back" };
        public Option<double> Canary { get; } = new("--canary") { HelpName = "PCT", Description = "Percent of targets that go first; any canary rejection aborts", DefaultValueFactory = _ => 10 };
        public Option<double> MaxFailures { get; } = new("--max-failures") { HelpName = "PCT", Description = "Percent of targets that may reject before the rollout aborts and rolls back", DefaultValueFactory = _ => 0 };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Broker, Device, Group, All, Key, Canary, MaxFailures }) command.Options.Add(option);
        }
    }

    public static int Run(ParseResult parse, Options options, string packagePath, string brokerUrl, double? timeoutSeconds)
    {
        var broker = ParseBroker(brokerUrl);
        string? keyPath = parse.GetValue(options.Key);
        var (devices, group) = Selection(parse, options, "push --broker");
        byte[] package = PackageFile.Read(packagePath);
        var check = PackageReader.Check(package, new PackagePolicy(null));
        if (!check.Ok) throw new UsageException($"{packagePath}: {check.Message}");
        using var key = keyPath is null ? null : KeyFiles.LoadPrivate(keyPath);
        var rolloutOptions = new RolloutOptions(parse.GetValue(options.Canary), parse.GetValue(options.MaxFailures), Timeout: timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        return RunAsync(broker, key, package, check.Package!.Manifest, devices, group, rolloutOptions).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(BrokerAddress broker, SigningKey? key, byte[] package, PackageManifest manifest,
        string[] devices, string? group, RolloutOptions options)
    {
        await using var fleet = await Connect(broker);
        var (known, targets) = await Targets(fleet, broker, devices, group);
        var unknownBoard = known.Where(d => targets.Contains(d.Id) && d.Report is { } r && r.Board != manifest.Board).Select(d => d.Id).ToList();
        if (unknownBoard.Count > 0)
            Console.Error.WriteLine($"push: {unknownBoard.Count} target(s) run another board than '{manifest.Board}' and will refuse: {string.Join(", ", unknownBoard.Take(5))}");
        Console.Error.WriteLine($"push: {manifest.Board}/{manifest.Hook} {manifest.Kind.Name()} seq {manifest.Sequence} to {targets.Count} device(s) on {broker}, canary {options.CanaryPercent}%");

        var rollout = new Rollout(fleet, key, options);
        RolloutReport report = null!;
        await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var sent = context.AddTask("sent", maxValue: targets.Count);
                var applied = context.AddTask("applied", maxValue: targets.Count);
                var failed = context.AddTask("rejected", maxValue: targets.Count);
                var progress = new Progress<RolloutProgress>(p =>
                {
                    sent.Value = p.Sent;
                    applied.Value = p.Applied;
                    failed.Value = p.Failed;
                    sent.Description = $"sent ({p.Phase})";
                });
                report = await rollout.RunAsync(package, manifest.Hook, targets, progress, CancellationToken.None);
                sent.StopTask();
                applied.StopTask();
                failed.StopTask();
            });

        var table = new Table().AddColumns("device", "state", "message");
        foreach (var device in report.Devices)
            table.AddRow(Markup.Escape(device.Device), Markup.Escape(device.State.ToString().ToLowerInvariant()), Markup.Escape(device.Message));
        Cli.WriteTable(table);
        Console.Out.WriteLine($"push: {report.Summary}");
        return report.Succeeded ? Cli.Ok : Cli.No;
    }

    /// <summary>The targets the options name: --device IDs, or a --group, or --all (group null, no devices).</summary>
    public static (string[] Devices, string? Group) Selection(ParseResult parse, Options options, string command)
    {
        string[] devices = parse.GetValue(options.Device) ?? [];
        string? group = parse.GetValue(options.Group);
        bool all = parse.GetValue(options.All);
        if ((devices.Length > 0 ? 1 : 0) + (group is null ? 0 : 1) + (all ? 1 : 0) != 1)
            throw new UsageException($"{command} needs exactly one of --device ID, --group G or --all");
        return (devices, group);
    }

    /// <summary>The devices the broker knows, and the targets among them (named devices are targets even if not seen yet).</summary>
    public static async Task<(IReadOnlyList<DeviceView> Known, IReadOnlyList<string> Targets)> Targets(FleetConnection fleet, BrokerAddress broker, string[] devices, string? group)
    {
        var known = await fleet.DevicesAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5), CancellationToken.None);
        IReadOnlyList<string> targets = devices.Length > 0 ? [.. devices.Order(StringComparer.Ordinal)]
            : [.. known.Where(d => group is null || d.Report?.Group == group).Select(d => d.Id)];
        if (targets.Count == 0)
            throw new UsageException(group is null ? $"no devices on {broker}" : $"no devices in group '{group}' on {broker}");
        return (known, targets);
    }

    public static BrokerAddress ParseBroker(string url)
    {
        try { return BrokerAddress.Parse(url); }
        catch (FormatException e) { throw new UsageException($"--broker: {e.Message}"); }
    }

    /// <summary>An unreachable broker is an input error (exit 2), said in one line.</summary>
    public static async Task<FleetConnection> Connect(BrokerAddress broker)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            return await FleetConnection.ConnectAsync(broker, limit.Token);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or MQTTnet.Adapter.MqttConnectingFailedException)
        {
            throw new UsageException($"cannot connect to the broker {broker}: {e.Message}");
        }
    }
}
