using Xunit.Abstractions;
using System.Diagnostics;
using System.Security.Cryptography;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>
/// Issue 11's serial test: real serial ports (a socat pty pair opened with System.IO.Ports at 115200 baud),
/// 1% of frames dropped or corrupted in each direction, and the uploader's port closed in the middle.
/// </summary>
public sealed class SerialPortTests(ITestOutputHelper output)
{
    private const int Baud = 115200;

    [Fact]
    public async Task A_64_KiB_package_crosses_a_pty_pair_with_faults_and_a_disconnect_intact_and_applies_once()
    {
        using var socat = SocatPair.Start();
        var package = new byte[64 * 1024];
        new Random(64).NextBytes(package);
        var applied = new List<byte[]>();
        var receiver = new PackageReceiver(new ReceiverOptions("bench-1", "mps2-an386"), (bytes, _) =>
        {
            lock (applied) applied.Add(bytes);
            return Task.FromResult(new ApplyResult(true, "installed in slot 0"));
        });
        using var stop = new CancellationTokenSource();
        var device = Task.Run(async () =>
        {
            await using var port = new FaultyStream(SerialPortStream.Open(socat.B, Baud), seed: 2, rate: 0.01);
            return await receiver.RunAsync(port, stop.Token);
        });

        var disconnect = new DisconnectHalfway();
        int connections = 0;
        var connect = disconnect.Track(() => new FaultyStream(SerialPortStream.Open(socat.A, Baud), seed: ++connections, rate: 0.01));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        var result = await new PackageUploader(package, UploaderOptions.ForBaud(Baud)).UploadAsync(connect, disconnect, limit.Token);

        output.WriteLine($"{package.Length} bytes in {clock.Elapsed.TotalSeconds:0.00} s; host: {result.Stats}; device: {receiver.Stats}");
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => device);
        Assert.True(result.Applied, result.Reason);
        Assert.Equal("installed in slot 0", result.Reason);
        Assert.Equal(SHA256.HashData(package), SHA256.HashData(Assert.Single(applied)));
        Assert.Equal(1, result.Reconnects);
        disconnect.AssertResumedWhereItStopped();
        Assert.True(result.Stats.Retransmissions > 0);
        Assert.True(result.Stats.Dropped + receiver.Stats.Dropped > 0, "no spoiled frame reached either side");
    }
}
