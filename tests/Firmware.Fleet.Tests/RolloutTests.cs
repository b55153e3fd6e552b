using Firmware.Device.Store;
using Firmware.Device.Tests;
using Firmware.Protocol.Packages;
using Firmware.Tools.Fleet;

namespace Firmware.Fleet.Tests;

/// <summary>Staged rollouts over a real broker to simulated devices running the sample firmware.</summary>
public sealed class RolloutTests(PatchKit kit) : IClassFixture<PatchKit>
{
    private static readonly byte[] Malicious = [0x01, 200, 1, 2, 3, 4];

    [Theory]
    [InlineData(TestBroker.Embedded)]
    [InlineData(TestBroker.Mosquitto)]
    public async Task A_rollout_to_fifty_devices_completes_when_the_five_offline_ones_return(string broker)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var harness = await FleetHarness.StartAsync(kit, broker, 50, limit.Token);
        var offline = harness.Fleet.Devices.TakeLast(5).ToList();
        foreach (var device in offline) await device.Transport.GoOfflineAsync();
        await harness.WaitUntil(() => harness.Host.Devices.Count(d => d.Online) == 45, "five devices offline", limit.Token);

        var package = kit.Pack(kit.Example("parse_packet_length_check"), "parse_packet", PatchKind.Filter, 1);
        var rollout = new Rollout(harness.Host, kit.Key, new RolloutOptions(CanaryPercent: 10, Timeout: TimeSpan.FromMinutes(2)));
        int appliedWhileOffline = -1;
        var progress = new InlineProgress<RolloutProgress>(p =>
        {
            // Once everyone reachable applied, the offline devices come back.
            if (p.Applied == 45 && appliedWhileOffline < 0)
            {
                appliedWhileOffline = offline.Count(d => d.Agent.Status().Patches.Count > 0);
                foreach (var device in offline) device.Transport.GoOnline();
            }
        });
        var report = await rollout.RunAsync(package, "parse_packet", harness.Ids, progress, limit.Token);

        Assert.True(report.Succeeded, report.Summary + "\n" + string.Join("\n", report.Devices.Where(d => d.State != DeviceRolloutState.Applied)));
        Assert.Equal(0, appliedWhileOffline);
        foreach (var device in harness.Fleet.Devices)
        {
            var stored = Assert.Single(device.Agent.Status().Patches); // applied exactly once
            Assert.Equal((1ul, PatchState.Active), (stored.Sequence, stored.State));
            Assert.Equal(-1, device.Agent.Gateway.ParsePacket(Malicious, Malicious.Length));
        }
    }

    [Fact]
    public async Task Without_a_command_key_the_signed_package_alone_rolls_out_once_per_device()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var harness = await FleetHarness.StartAsync(kit, TestBroker.Embedded, 6, limit.Token);
        var package = kit.Pack(kit.Example("parse_packet_length_check"), "parse_packet", PatchKind.Filter, 3);

        var report = await new Rollout(harness.Host, null, new RolloutOptions(CanaryPercent: 20, Timeout: TimeSpan.FromMinutes(1)))
            .RunAsync(package, "parse_packet", harness.Ids, null, limit.Token);
        // The same package again: each device answers from its command log and applies nothing.
        var again = await new Rollout(harness.Host, null, new RolloutOptions(CanaryPercent: 20, Timeout: TimeSpan.FromMinutes(1)))
            .RunAsync(package, "parse_packet", harness.Ids, null, limit.Token);

        Assert.True(report.Succeeded, report.Summary);
        Assert.All(again.Devices, d => Assert.StartsWith("already handled", d.Message));
        Assert.All(harness.Fleet.Devices, d => Assert.Equal(3ul, Assert.Single(d.Agent.Status().Patches).Sequence));
    }

    [Fact]
    public async Task A_canary_that_rejects_the_package_aborts_the_rollout_and_rolls_back_the_canary_that_applied()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var harness = await FleetHarness.StartAsync(kit, TestBroker.Embedded, 10, limit.Token);
        // dev-0002 already runs sequence 5 of this hook: sequence 2 is a downgrade it must refuse.
        string fix = kit.Example("parse_packet_length_check");
        Assert.True(harness.Device("dev-0002").Agent.Install(kit.Pack(fix, "parse_packet", PatchKind.Filter, 5)).Ok);

        var rollout = new Rollout(harness.Host, kit.Key, new RolloutOptions(CanaryPercent: 20, Timeout: TimeSpan.FromMinutes(1)));
        var report = await rollout.RunAsync(kit.Pack(fix, "parse_packet", PatchKind.Filter, 2), "parse_packet", harness.Ids, null, limit.Token);

        Assert.True(report.Aborted, report.Summary);
        Assert.Contains("canary dev-0002", report.Summary);
        var states = report.Devices.ToDictionary(d => d.Device, d => d.State);
        Assert.Equal(DeviceRolloutState.RolledBack, states["dev-0001"]);
        Assert.Equal(DeviceRolloutState.Rejected, states["dev-0002"]);
        Assert.All(harness.Ids.Skip(2), id => Assert.Equal(DeviceRolloutState.Queued, states[id]));
        // dev-0001 applied and was rolled back: nothing active; the rest never saw the package.
        Assert.Null(harness.Device("dev-0001").Agent.Status().Patches.SingleOrDefault(p => p.State == PatchState.Active));
        Assert.Equal(-2, harness.Device("dev-0001").Agent.Gateway.ParsePacket(Malicious, Malicious.Length));
        Assert.All(harness.Ids.Skip(2), id => Assert.Empty(harness.Device(id).Agent.Status().Patches));
    }
}
