using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;
using Firmware.Tools.Packaging;

namespace Firmware.Tools.Tests.Cli;

/// <summary>`fwctl push --serial` against a receiver on the other end of a socat pty pair (contracts.md exit codes).</summary>
[Collection("Console")]
public sealed class PushCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fwctl-push").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    /// <summary>An observe patch for linux-x64's parse_packet with sequence 3, signed by a fresh key.</summary>
    private string Pack()
    {
        File.WriteAllText(In("p.s"), "r0 = 0\nexit\n");
        Assert.Equal(0, InProcessFwctl.Run("keygen", "--out", In("author")).Exit);
        var pack = InProcessFwctl.Run("pack", In("p.s"), "--board", "linux-x64", "--hook", "parse_packet", "--kind", "observe", "--seq", "3",
            "--key", In("author.key"), "-o", In("p.fwp"), "--boards-dir", InProcessFwctl.BoardsDirectory);
        Assert.True(pack.Exit == 0, pack.Stderr);
        return In("p.fwp");
    }

    /// <summary>A device on port B that checks packages as fwagent does, its last installed sequence being <paramref name="installed"/>.</summary>
    private (Task<LinkException> Served, CancellationTokenSource Stop, List<string> Applied) Device(SocatPair socat, ulong installed)
    {
        var policy = PackagePolicy.Device([KeyFiles.LoadPublic(In("author.pub"))], "linux-x64", [1], _ => installed);
        var applied = new List<string>();
        var receiver = new PackageReceiver(new ReceiverOptions("bench-7", "linux-x64"), (bytes, _) =>
        {
            var check = PackageReader.Check(bytes, policy);
            if (check.Ok)
                applied.Add(check.Package!.Manifest.Hook);
            return Task.FromResult(new ApplyResult(check.Ok, check.Ok ? "installed on parse_packet" : check.Message));
        });
        var stop = new CancellationTokenSource();
        var served = Task.Run(async () =>
        {
            await using var port = SerialPortStream.Open(socat.B, 115200);
            return await receiver.RunAsync(port, stop.Token);
        });
        return (served, stop, applied);
    }

    private static async Task StopAsync(Task served, CancellationTokenSource stop)
    {
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => served);
        stop.Dispose();
    }

    [Theory]
    [InlineData(2, 0, "bench-7 (linux-x64): applied: installed on parse_packet\n")]
    [InlineData(3, 1, "bench-7 (linux-x64): not applied (rejected): sequence 3 is not above 3")]
    public async Task The_devices_result_is_printed_and_sets_the_exit_code(ulong installed, int exit, string stdoutStart)
    {
        string package = Pack();
        using var socat = SocatPair.Start();
        var (served, stop, applied) = Device(socat, installed);

        var push = InProcessFwctl.Run("push", package, "--serial", socat.A, "--timeout", "20");

        await StopAsync(served, stop);
        Assert.True(push.Exit == exit, push.Stderr);
        Assert.StartsWith(stdoutStart, push.Stdout);
        Assert.Contains("push: 100% (", push.Stderr);
        Assert.Equal(exit == 0 ? ["parse_packet"] : [], applied);
    }

    [Fact]
    public void A_port_that_does_not_exist_exits_2_with_one_line()
    {
        string package = Pack();
        var push = InProcessFwctl.Run("push", package, "--serial", In("no-such-tty"));
        Assert.Equal(2, push.Exit);
        Assert.Equal($"fwctl: {In("no-such-tty")}: cannot open serial port {In("no-such-tty")}: no such device\n", push.Stderr);
    }

    [Theory]
    [InlineData("missing.fwp")]
    [InlineData("p.s")]
    public void A_package_that_cannot_be_read_exits_2_before_opening_the_port(string file)
    {
        Pack();
        var push = InProcessFwctl.Run("push", In(file), "--serial", In("no-such-tty"));
        Assert.Equal(2, push.Exit);
        Assert.StartsWith($"fwctl: {In(file)}: ", push.Stderr);
        Assert.DoesNotContain("serial port", push.Stderr);
    }

    [Fact]
    public void Push_without_a_target_is_a_usage_error()
    {
        var push = InProcessFwctl.Run("push", Pack());
        Assert.Equal((2, "fwctl: push needs --serial PORT or --broker URL\n"), (push.Exit, push.Stderr));
    }
}
