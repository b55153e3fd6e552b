using System.Buffers.Binary;
using System.Collections.Concurrent;
using Firmware.Device.Tests;
using Firmware.Protocol.Fleet;
using Firmware.Tools.Fleet;

namespace Firmware.Fleet.Tests;

/// <summary>
/// Containers over MQTT (docs/containers.md): deployed to simulated devices by a rollout, their telemetry
/// arriving on the host, a message to one device's container changing what it does, signed stop and
/// remove, and the counters in the devices' status. On the embedded broker and on mosquitto.
/// </summary>
public sealed class ContainerFleetTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Theory]
    [InlineData(TestBroker.Embedded)]
    [InlineData(TestBroker.Mosquitto)]
    public async Task Containers_deploy_publish_take_messages_stop_and_go_away_over_the_broker(string brokerKind)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var harness = await FleetHarness.StartAsync(kit, brokerKind, devices: 3, limit.Token);
        var host = harness.Host;
        var telemetry = new ConcurrentQueue<(string Device, string Container, byte[] Data)>();
        host.Telemetry += (device, container, data) => telemetry.Enqueue((device, container, data));

        var rollout = new Rollout(host, kit.Key, new RolloutOptions(CanaryPercent: 34, MaxFailuresPercent: 0));
        var report = await rollout.RunAsync(kit.PackContainer(kit.Example("packet_rate_limit"), "limiter", 1), "", harness.Ids, null, limit.Token);
        Assert.True(report.Succeeded, report.Summary);

        // Every device's limiter reports once a second; one device gets a limit by message and enforces it.
        await harness.WaitUntil(() => harness.Ids.All(id => telemetry.Any(t => t.Device == id && t.Container == "limiter")), "telemetry from every device", limit.Token);
        string limited = harness.Ids[1];
        await host.SendToContainerAsync(limited, "limiter", BitConverter.GetBytes(1), limit.Token);
        var gateway = harness.Device(limited).Agent.Gateway;
        byte[] packet = [1, 2, 0xaa, 0xbb];
        await harness.WaitUntil(() => gateway.ParsePacket(packet, packet.Length) == -1, "the limit is enforced on that device", limit.Token);
        Assert.Equal(2, harness.Device(harness.Ids[0]).Agent.Gateway.ParsePacket(packet, packet.Length)); // the others have no limit
        await harness.WaitUntil(() => telemetry.Any(t => t.Device == limited && BinaryPrimitives.ReadUInt64LittleEndian(t.Data) == 1), "its report shows the new limit", limit.Token);

        // Counters reach the host in the devices' status.
        await harness.WaitUntil(() => host.Devices.Single(d => d.Id == limited).Report?.Containers is [{ Runs: > 0, State: "running", Published: > 0 }],
            "the limiter's counters in the status", limit.Token);

        var stopped = await CommandRound.RunAsync(host, [limited], d => FleetCommand.ForContainer(d, CommandAction.ContainerStop, "limiter"), kit.Key, TimeSpan.FromSeconds(30), limit.Token);
        Assert.True(stopped.Single().Result is { Ok: true }, stopped.Single().Result?.Message);
        Assert.Equal(2, gateway.ParsePacket(packet, packet.Length));
        await harness.WaitUntil(() => host.Devices.Single(d => d.Id == limited).Report?.Containers is [{ State: "stopped" }], "the status says stopped", limit.Token);

        var unsigned = FleetCommand.ForContainer(limited, CommandAction.ContainerRemove, "limiter");
        var forged = await CommandRound.RunAsync(host, [limited], _ => unsigned, Firmware.Protocol.Packages.SigningKey.Generate(), TimeSpan.FromSeconds(30), limit.Token);
        Assert.Null(forged.Single().Result); // an untrusted key's command is refused without naming the job
        Assert.Single(harness.Device(limited).Agent.Status().Containers);

        var removed = await CommandRound.RunAsync(host, harness.Ids, d => FleetCommand.ForContainer(d, CommandAction.ContainerRemove, "limiter"), kit.Key, TimeSpan.FromSeconds(30), limit.Token);
        Assert.All(removed, r => Assert.True(r.Result is { Ok: true }, r.Result?.Message));
        await harness.WaitUntil(() => host.Devices.All(d => d.Report?.Containers is []), "no containers left in any status", limit.Token);
    }
}
