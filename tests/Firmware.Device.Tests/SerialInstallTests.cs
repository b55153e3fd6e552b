using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;

namespace Firmware.Device.Tests;

/// <summary>fwagent --serial: a package uploaded over a real pty pair (socat) is installed once, and the device's answer comes back.</summary>
public sealed class SerialInstallTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Fact]
    public async Task A_package_pushed_over_serial_is_installed_once_and_a_refusal_comes_back_with_its_reason()
    {
        using var pair = SocatPair.Start();
        string root = Directory.CreateTempSubdirectory("fwagent-serial-").FullName;
        try
        {
            string keyFile = Path.Combine(root, "key.pub");
            File.WriteAllText(keyFile, kit.Key.PublicKeyPem);
            using var agent = new AgentProcess(["--board", "linux-x64", "--id", "bench-1", "--state", Path.Combine(root, "state"), "--trust", keyFile,
                "--workers", "0", "--serial", pair.B, "--boards-dir", kit.Catalog.Directory]);
            var package = kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1);

            var applied = await Upload(package, pair.A);
            Assert.True(applied.Applied, applied.Reason);
            Assert.Equal("bench-1", applied.Device.DeviceId);
            var again = await Upload(package, pair.A); // a second upload of the same package: refused by anti-rollback
            Assert.False(again.Applied);
            Assert.Contains("sequence 1", again.Reason);

            var patches = agent.Send("status")!.Value.GetProperty("status").GetProperty("patches").EnumerateArray().ToList();
            var stored = Assert.Single(patches);
            Assert.Equal("active", stored.GetProperty("state").GetString());
            Assert.Equal(0, agent.Quit());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<UploadResult> Upload(byte[] package, string port)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await new PackageUploader(package, UploaderOptions.ForBaud(115200))
            .UploadAsync(_ => Task.FromResult<Stream>(SerialPortStream.Open(port, 115200)), null, limit.Token);
    }
}
