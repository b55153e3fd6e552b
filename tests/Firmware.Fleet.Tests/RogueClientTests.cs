using System.Collections.Concurrent;
using Firmware.Device.Tests;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using MQTTnet;

namespace Firmware.Fleet.Tests;

/// <summary>
/// The broker is not trusted: a client that can publish on a device's topics sends forged, unsigned,
/// misaddressed and replayed commands. None changes anything on any device, and each is refused in a
/// result the device publishes.
/// </summary>
public sealed class RogueClientTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Fact]
    public async Task Forged_unsigned_misaddressed_and_replayed_commands_change_nothing()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var harness = await FleetHarness.StartAsync(kit, TestBroker.Embedded, 3, limit.Token);
        var results = new ConcurrentQueue<JobResult>();
        harness.Host.Results += results.Enqueue;
        using var rogue = new MqttClientFactory().CreateMqttClient();
        var captured = new ConcurrentQueue<byte[]>();
        rogue.ApplicationMessageReceivedAsync += e => { captured.Enqueue(FleetMqtt.Payload(e.ApplicationMessage)); return Task.CompletedTask; };
        await rogue.ConnectAsync(FleetMqtt.Options(harness.Broker.Address, "rogue", persistentSession: false).Build(), limit.Token);
        await rogue.SubscribeAsync(FleetTopics.Jobs("dev-0001"), cancellationToken: limit.Token);

        // The operator installs a patch on dev-0001; the rogue records the command on the way.
        string fix = kit.Example("calibrate_fix");
        var genuine = FleetCommand.Install("dev-0001", "calibrate", kit.Pack(fix, "calibrate", PatchKind.Replace, 1));
        await harness.Host.SendAsync(genuine, kit.Key, limit.Token);
        await harness.WaitUntil(() => results.Any(r => r.Job == genuine.IdHex) && !captured.IsEmpty, "the genuine install is answered", limit.Token);
        Assert.True(results.Single(r => r.Job == genuine.IdHex).Ok);

        using var stranger = SigningKey.Generate();
        var attacks = new (string Device, byte[] Payload)[]
        {
            ("dev-0001", [0xde, 0xad, 0xbe, 0xef]),                                                           // not even a chunk
            ("dev-0001", CommandChunks.Split([0xa0])[0]),                                                      // a chunk of unsigned junk
            ("dev-0001", CommandChunks.Split(FleetCommand.Remove("dev-0001", "calibrate").Sign(stranger))[0]), // signed by an untrusted key
            ("dev-0001", CommandChunks.Split(FleetCommand.Remove("dev-0002", "calibrate").Sign(kit.Key))[0]),  // genuine, for another device
            ("dev-0002", CommandChunks.Split(FleetCommand.Install("dev-0001", "calibrate",
                kit.Pack(fix, "calibrate", PatchKind.Replace, 7)).Sign(kit.Key))[0]),                          // misaddressed the other way
            ("dev-0001", captured.First()),                                                                    // the genuine install, replayed
        };
        int before = results.Count;
        foreach (var (device, payload) in attacks)
            await rogue.PublishAsync(FleetMqtt.Message(FleetTopics.Jobs(device), payload), limit.Token);
        await harness.WaitUntil(() => results.Count >= before + attacks.Length, "every attack is answered", limit.Token);

        var refusals = results.Skip(before).ToList();
        Assert.All(refusals, r => Assert.False(r.Ok && !r.Message.StartsWith("already handled"), $"{r.Device} accepted: {r.Message}"));
        Assert.Contains(refusals, r => r.Message.Contains("not a command chunk"));
        Assert.Contains(refusals, r => r.Message.Contains("malformed command"));
        Assert.Contains(refusals, r => r.Message.Contains("not trusted"));
        Assert.Contains(refusals, r => r.Device == "dev-0001" && r.Message.Contains("for device 'dev-0002'"));
        Assert.Contains(refusals, r => r.Device == "dev-0002" && r.Message.Contains("for device 'dev-0001'"));
        Assert.Contains(refusals, r => r.Job == genuine.IdHex && r.Message.StartsWith("already handled"));

        var target = harness.Device("dev-0001").Agent;
        var stored = Assert.Single(target.Status().Patches); // installed once, never removed or re-installed
        Assert.Equal(1ul, stored.Sequence);
        Assert.Equal(100, target.Gateway.Calibrate(800));
        Assert.Empty(harness.Device("dev-0002").Agent.Status().Patches);
        Assert.Empty(harness.Device("dev-0003").Agent.Status().Patches);
    }
}
