using Firmware.Device.Agent;
using Firmware.Device.Hosting;
using Firmware.Device.Transport;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using Firmware.Tools.Boards;
using Firmware.Tools.Fleet;
using Firmware.Tools.Packaging;
using Spectre.Console;

namespace Fwctl.Commands;

/// <summary>
/// The fleet half of `fwctl demo`, all in this process on embedded defaults: MQTTnet's broker on a free
/// loopback port, simulated devices running the sample firmware (built with gcc) under malicious
/// traffic, the length-check filter assembled, verified, signed and rolled out with a canary, and each
/// device's counters before and after.
/// </summary>
public static class FleetDemo
{
    private const int Devices = 8;

    public static int Run()
    {
        var catalog = BoardCatalog.Locate();
        var board = catalog.Load("linux-x64");
        string state = Directory.CreateTempSubdirectory("fwctl-demo-").FullName;
        try
        {
            return RunAsync(catalog, board, state).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<int> RunAsync(BoardCatalog catalog, BoardDefinition board, string state)
    {
        using var key = SigningKey.Generate();
        int port = FleetBroker.FreePort();
        await using var broker = await FleetBroker.StartAsync(port);
        var address = new BrokerAddress("127.0.0.1", port, false, null, null);
        DemoCommand.Step($"Fleet 1. An MQTT 5 broker on {address} and {Devices} simulated {board.Name} devices running the sample sensor gateway:");
        var template = new AgentOptions("gw", board, Path.Combine(catalog.Directory, board.Name), state, [key.PublicKey]);
        // The host subscribes before the devices announce themselves (see FleetConnection).
        await using var host = await FleetConnection.ConnectAsync(address, CancellationToken.None);
        await using var fleet = SimulatedFleet.Start(template, Devices, address, _ => { });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.Devices.Count(d => d.Online) < Devices && DateTime.UtcNow < deadline) await Task.Delay(20);
        Console.WriteLine($"   {host.Devices.Count(d => d.Online)} devices online; firmware build {Convert.ToHexStringLower(fleet.Devices[0].Agent.Firmware.BuildId)[..12]}");

        DemoCommand.Step("Fleet 2. Their traffic includes packets that lie about their length; the parser trusts it and overruns:");
        foreach (var device in fleet.Devices) device.Agent.Gateway.Start(threads: 1, maliciousEvery: 50);
        var before = await Window(fleet);
        Console.WriteLine($"   in {before.Seconds:0.0} s: {before.Packets:N0} packets, {before.Overruns:N0} overruns (canary tripped) on {before.DevicesOverrun} of {Devices} devices");

        DemoCommand.Step("Fleet 3. The fix, a filter on fw_parse_packet, assembled, verified for the hook and signed:");
        var program = EbpfProgram.FromInstructions("parse_packet_length_check", Assembler.Assemble(SamplePatches.LengthCheck));
        var packed = PackageBuilder.Pack(program, new PackageTarget(board, "parse_packet", PatchKind.Filter, 1, fleet.Devices[0].Agent.Firmware.BuildId, "demo"), key);
        if (packed.Package is null)
        {
            Console.Error.WriteLine($"demo: the verifier rejected the demo patch: {packed.Rejections[0].Format(program.Name)}");
            return Cli.No;
        }
        Console.WriteLine($"   {packed.Package.Length} bytes, bound to board {board.Name} and that firmware build, sequence 1");

        DemoCommand.Step("Fleet 4. Rolled out: a canary device first, then waves; each device checks the signature and verifies again:");
        var rollout = new Rollout(host, key, new RolloutOptions(CanaryPercent: 15, Timeout: TimeSpan.FromSeconds(30)));
        string shown = "";
        var report = await rollout.RunAsync(packed.Package, "parse_packet", [.. host.Devices.Select(d => d.Id)], new InlineProgress<RolloutProgress>(p =>
        {
            string line = $"   {p.Phase}: {p.Applied}/{p.Targets} applied";
            if (line != shown) Console.WriteLine(shown = line);
        }), CancellationToken.None);
        Console.WriteLine($"   {report.Summary}");

        DemoCommand.Step("Fleet 5. The bug is gone on every device; valid packets still flow:");
        var after = await Window(fleet);
        Console.WriteLine($"   in {after.Seconds:0.0} s: {after.Packets:N0} packets reached the parser, {after.Overruns:N0} overruns");
        await host.DevicesAsync(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), CancellationToken.None);
        var table = new Table().AddColumns("device", "patch", "state", "runs", "overruns before", "overruns after");
        foreach (var device in fleet.Devices)
        {
            var patch = device.Agent.Status().Patches.FirstOrDefault();
            table.AddRow(device.Agent.Id, patch is null ? "none" : $"{patch.Hook}#{patch.Sequence}", patch?.State.ToString().ToLowerInvariant() ?? "",
                $"{patch?.Statistics.Runs ?? 0:N0}", $"{before.PerDevice[device.Agent.Id]:N0}", $"{after.PerDevice[device.Agent.Id]:N0}");
        }
        Cli.WriteTable(table);
        foreach (var device in fleet.Devices) device.Agent.Gateway.Stop();
        return report.Succeeded && after.Overruns == 0 ? Cli.Ok : Cli.No;
    }

    private sealed record Traffic(double Seconds, ulong Packets, ulong Overruns, int DevicesOverrun, Dictionary<string, ulong> PerDevice);

    /// <summary>What the fleet's firmware did in one second, from its own counters.</summary>
    private static async Task<Traffic> Window(SimulatedFleet fleet)
    {
        var start = fleet.Devices.ToDictionary(d => d.Agent.Id, d => d.Agent.Gateway.Counters());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var end = fleet.Devices.ToDictionary(d => d.Agent.Id, d => d.Agent.Gateway.Counters());
        var overruns = end.ToDictionary(e => e.Key, e => e.Value.Overruns - start[e.Key].Overruns);
        return new Traffic(clock.Elapsed.TotalSeconds,
            (ulong)end.Sum(e => (decimal)(e.Value.Packets - start[e.Key].Packets)),
            (ulong)overruns.Values.Sum(v => (decimal)v),
            overruns.Count(o => o.Value > 0), overruns);
    }
}
