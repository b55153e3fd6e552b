using System.Diagnostics;
using System.Security.Cryptography;
using Firmware.Protocol.Serial;
using Xunit.Abstractions;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>
/// Issue 11's serial test: real serial ports (a socat pty pair opened with System.IO.Ports at 115200 baud),
/// exactly 1% of frames dropped or corrupted in each direction, and one disconnect in the middle.
/// </summary>
public sealed class SerialPortTests(ITestOutputHelper output)
{
    private const int Baud = 115200;
    private const double FaultRate = 0.01;

    [Fact]
    public Task A_64_KiB_package_arrives_intact_and_applies_once_when_the_uploaders_port_is_closed_midway() =>
        UploadWithDisconnectAsync((_, port) => port.Dispose());

    [Fact]
    public Task A_64_KiB_package_arrives_intact_and_applies_once_when_the_line_itself_goes_away_midway() =>
        UploadWithDisconnectAsync((socat, _) => socat.Replug());

    private async Task UploadWithDisconnectAsync(Action<SocatPair, Stream> pull)
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
        var replugged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnect = new DisconnectHalfway(port =>
        {
            pull(socat, port);
            replugged.SetResult();
        });
        using var stop = new CancellationTokenSource();
        // The device serves its port until the line goes away, then reopens it once the line is back.
        var device = Task.Run(async () =>
        {
            for (int connection = 0; ; connection++)
            {
                await using (var port = new FaultyStream(SerialPortStream.Open(socat.B, Baud), seed: 100 + connection, FaultRate))
                    await receiver.RunAsync(port, stop.Token);
                await replugged.Task.WaitAsync(stop.Token);
            }
        });
        int connections = 0;
        var connect = disconnect.Track(() => new FaultyStream(SerialPortStream.Open(socat.A, Baud), seed: ++connections, FaultRate));
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
        Assert.True(result.Stats.Retransmissions > 0, "no frame was sent again");
        Assert.True(result.Stats.Dropped > 0 && receiver.Stats.Dropped > 0, "a side saw no spoiled frame");
    }
}
