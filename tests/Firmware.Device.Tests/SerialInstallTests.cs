using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;

namespace Firmware.Device.Tests;

/// <summary>fwagent --serial: what is uploaded over a real pty pair (socat), packages and signed commands, is acted on once, and the device's answer comes back; its containers can be listed on the same line.</summary>
public sealed class SerialInstallTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Fact]
    public async Task A_package_pushed_over_serial_is_installed_once_and_a_refusal_comes_back_with_its_reason()
    {
        await WithSerialAgent("bench-1", async (agent, port) =>
        {
            var package = kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1);

            var applied = await Upload(package, port);
            Assert.True(applied.Applied, applied.Reason);
            Assert.Equal("bench-1", applied.Device.DeviceId);
            var again = await Upload(package, port); // the same package again: acted on once, answered again
            Assert.True(again.Applied, again.Reason);
            Assert.StartsWith("already handled: ", again.Reason);
            var older = await Upload(kit.Pack(kit.Source("offset399", PatchKit.Offset399), "calibrate", PatchKind.Replace, 1), port);
            Assert.False(older.Applied); // another package with the same sequence: refused by anti-rollback
            Assert.Contains("sequence 1", older.Reason);

            var patches = agent.Send("status")!.Value.GetProperty("status").GetProperty("patches").EnumerateArray().ToList();
            var stored = Assert.Single(patches);
            Assert.Equal("active", stored.GetProperty("state").GetString());
        });
    }

    [Fact]
    public async Task A_container_is_deployed_stopped_and_removed_over_serial_by_signed_commands_each_acted_on_once()
    {
        await WithSerialAgent("serial-c", async (agent, port) =>
        {
            var deployed = await Upload(kit.PackContainer(kit.Example("packet_rate_limit"), "limiter", 1), port);
            Assert.True(deployed.Applied, deployed.Reason);
            Assert.StartsWith("container limiter (sequence 1) deployed and running", deployed.Reason);
            Assert.Equal([("limiter", 1ul, "running")], await ListOverSerial(port));

            byte[] stop = FleetCommand.ForContainer("serial-c", CommandAction.ContainerStop, "limiter").Sign(kit.Key);
            var stopped = await Upload(stop, port);
            Assert.True(stopped.Applied, stopped.Reason);
            Assert.Equal("container limiter stopped", stopped.Reason);
            Assert.StartsWith("already handled: ", (await Upload(stop, port)).Reason); // a replay is not acted on again
            Assert.Equal("stopped", Containers(agent).Single().GetProperty("state").GetString());
            Assert.Equal([("limiter", 1ul, "stopped")], await ListOverSerial(port));

            var elsewhere = await Upload(FleetCommand.ForContainer("other-device", CommandAction.ContainerRemove, "limiter").Sign(kit.Key), port);
            Assert.False(elsewhere.Applied);
            Assert.Contains("is for device 'other-device'", elsewhere.Reason);
            using var stranger = SigningKey.Generate();
            var forged = await Upload(FleetCommand.ForContainer("serial-c", CommandAction.ContainerRemove, "limiter").Sign(stranger), port);
            Assert.False(forged.Applied);
            Assert.Single(Containers(agent));

            var removed = await Upload(FleetCommand.ForContainer("serial-c", CommandAction.ContainerRemove, "limiter").Sign(kit.Key), port);
            Assert.True(removed.Applied, removed.Reason);
            Assert.Empty(Containers(agent));
            Assert.Empty(await ListOverSerial(port));
        });
    }

    /// <summary>fwagent on one end of a socat pty pair, trusting the kit's key; the test talks to the other end.</summary>
    private async Task WithSerialAgent(string id, Func<AgentProcess, string, Task> test)
    {
        using var pair = SocatPair.Start();
        string root = Directory.CreateTempSubdirectory("fwagent-serial-").FullName;
        try
        {
            string keyFile = Path.Combine(root, "key.pub");
            File.WriteAllText(keyFile, kit.Key.PublicKeyPem);
            using var agent = new AgentProcess(["--board", "linux-x64", "--id", id, "--state", Path.Combine(root, "state"), "--trust", keyFile,
                "--workers", "0", "--serial", pair.B, "--boards-dir", kit.Catalog.Directory]);
            await test(agent, pair.A);
            Assert.Equal(0, agent.Quit());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static List<System.Text.Json.JsonElement> Containers(AgentProcess agent) =>
        [.. agent.Send("status")!.Value.GetProperty("status").GetProperty("containers").EnumerateArray()];

    /// <summary>What `fwctl container list --serial` reads: each container's name, sequence and state.</summary>
    private static async Task<List<(string, ulong, string)>> ListOverSerial(string port)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stream = SerialPortStream.Open(port, 115200);
        var (device, containers) = await ContainerReader.ReadAsync(stream, UploaderOptions.ForBaud(115200), limit.Token);
        Assert.Equal("serial-c", device.DeviceId);
        return [.. containers.Select(c => (c.Name, c.Sequence, c.State))];
    }

    private static async Task<UploadResult> Upload(byte[] package, string port)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await new PackageUploader(package, UploaderOptions.ForBaud(115200))
            .UploadAsync(_ => Task.FromResult<Stream>(SerialPortStream.Open(port, 115200)), null, limit.Token);
    }
}
