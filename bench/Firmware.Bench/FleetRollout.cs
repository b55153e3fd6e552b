using System.Diagnostics;
using Firmware.Device.Agent;
using Firmware.Device.Transport;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using Firmware.Testing;
using Firmware.Tools.Boards;
using Firmware.Tools.Fleet;
using Firmware.Tools.Packaging;

namespace Firmware.Bench;

/// <summary>
/// `--fleet N`: one package rolled out to N simulated devices on the embedded broker on loopback
/// (targets.md: 1,000 devices all applied within 60 s). Prints the time to start the fleet, the time from
/// the first command to the last device applied, and the process's peak memory. A one-shot measurement,
/// not a BenchmarkDotNet benchmark: a rollout is seconds long and changes the devices it runs on.
/// </summary>
public static class FleetRollout
{
    public static async Task<int> RunAsync(int devices)
    {
        var catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        var board = catalog.Load("linux-x64");
        string state = Directory.CreateTempSubdirectory("fleet-bench-").FullName;
        try
        {
            using var key = SigningKey.Generate();
            int port = FleetBroker.FreePort();
            await using var broker = await FleetBroker.StartAsync(port);
            var address = new BrokerAddress("127.0.0.1", port, false, null, null);
            var clock = Stopwatch.StartNew();
            await using var host = await FleetConnection.ConnectAsync(address, CancellationToken.None);
            await using var fleet = SimulatedFleet.Start(new AgentOptions("bench", board, Path.Combine(catalog.Directory, "linux-x64"), state, [key.PublicKey]),
                devices, address, _ => { });
            while (host.Devices.Count(d => d.Online) < devices) await Task.Delay(50);
            var started = clock.Elapsed;

            var program = EbpfProgram.FromInstructions("filter", Assembler.Assemble(SamplePatches.LengthCheck));
            var package = PackageBuilder.Pack(program, new PackageTarget(board, "parse_packet", PatchKind.Filter, 1, [], "bench"), key).Package!;
            clock.Restart();
            var report = await new Rollout(host, key, new RolloutOptions(CanaryPercent: 1, Timeout: TimeSpan.FromMinutes(5)))
                .RunAsync(package, "parse_packet", [.. host.Devices.Select(d => d.Id)], null, CancellationToken.None);
            var rolledOut = clock.Elapsed;
            Console.WriteLine($"fleet: {devices} devices started and online in {started.TotalSeconds:0.0} s");
            Console.WriteLine($"fleet: rollout (1% canary, 3 waves): {report.Summary} in {rolledOut.TotalSeconds:0.0} s");
            Console.WriteLine($"fleet: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB, managed heap {GC.GetTotalMemory(false) / (1024 * 1024)} MiB");
            return report.Succeeded ? 0 : 1;
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
