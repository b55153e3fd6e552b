using System.Security.Cryptography;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>The uploader and receiver over in-memory pipes: faults, lost answers, disconnects, refusals.</summary>
public sealed class UploadTests
{
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(30);

    private static byte[] Package(int size, int seed = 11)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static ApplyResult Accept(byte[] _) => new(true, "installed");

    /// <summary>Short timeouts: in-memory pipes answer in microseconds.</summary>
    private static readonly UploaderOptions Fast = new() { FrameTimeout = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task A_64_KiB_package_arrives_intact_through_1_percent_dropped_or_corrupted_frames_and_applies_once()
    {
        var faults = new List<FaultyStream>();
        FaultyStream Faulty(Stream s, int seed)
        {
            var f = new FaultyStream(s, seed, rate: 0.01);
            lock (faults) faults.Add(f);
            return f;
        }
        await using var device = new LoopbackDevice(Accept, (n, s) => Faulty(s, 200 + n));
        var package = Package(64 * 1024);
        var uploader = new PackageUploader(package, Fast);
        using var limit = new CancellationTokenSource(TestLimit);

        var result = await uploader.UploadAsync(_ => Task.FromResult<Stream>(Faulty(device.Connect(), 100)), null, limit.Token);

        Assert.True(result.Applied, result.Reason);
        Assert.Equal("installed", result.Reason);
        Assert.Equal(SHA256.HashData(package), SHA256.HashData(Assert.Single(device.Applied)));
        Assert.True(faults.Sum(f => f.Dropped + f.Corrupted) > 0, "the fault injector spoiled no frame");
        Assert.True(result.Stats.Retransmissions > 0);
    }

    private static bool IsApplied(Frame frame) => frame.Kind == MessageKind.Status && ((UploadStatus)Message.Parse(frame)).Code == StatusCode.Applied;

    [Fact]
    public async Task A_commit_resent_after_its_answer_was_lost_gets_the_stored_result_without_applying_again()
    {
        await using var device = new LoopbackDevice(Accept, (_, s) => new FaultyStream(s, 0, 0, dropOnce: IsApplied));
        var package = Package(3000);
        using var limit = new CancellationTokenSource(TestLimit);

        var result = await new PackageUploader(package, Fast).UploadAsync(_ => Task.FromResult(device.Connect()), null, limit.Token);

        Assert.True(result.Applied, result.Reason);
        Assert.Single(device.Applied);
        Assert.True(device.Receiver.Stats.Duplicates >= 1);
    }

    [Fact]
    public async Task A_disconnect_in_the_middle_resumes_from_the_devices_acked_offset()
    {
        await using var device = new LoopbackDevice(Accept);
        var package = Package(64 * 1024);
        var disconnect = new DisconnectHalfway();
        using var limit = new CancellationTokenSource(TestLimit);

        var result = await new PackageUploader(package, Fast).UploadAsync(disconnect.Track(device.Connect), disconnect, limit.Token);

        Assert.True(result.Applied, result.Reason);
        Assert.Equal(1, result.Reconnects);
        disconnect.AssertResumedWhereItStopped();
        Assert.Equal(package, Assert.Single(device.Applied));
    }

    [Fact]
    public async Task A_rejected_package_reports_the_handlers_reason()
    {
        await using var device = new LoopbackDevice(_ => new ApplyResult(false, "sequence 3 is not newer than the installed 4"));
        using var limit = new CancellationTokenSource(TestLimit);

        var result = await new PackageUploader(Package(1000), Fast).UploadAsync(_ => Task.FromResult(device.Connect()), null, limit.Token);

        Assert.False(result.Applied);
        Assert.Equal(StatusCode.Rejected, result.Code);
        Assert.Equal("sequence 3 is not newer than the installed 4", result.Reason);
        Assert.Equal("loop-1", result.Device.DeviceId);
    }

    [Fact]
    public async Task A_handler_that_throws_is_a_rejection_not_a_crash()
    {
        await using var device = new LoopbackDevice(_ => throw new InvalidOperationException("flash is busy"));
        using var limit = new CancellationTokenSource(TestLimit);

        var result = await new PackageUploader(Package(1000), Fast).UploadAsync(_ => Task.FromResult(device.Connect()), null, limit.Token);

        Assert.Equal(StatusCode.Rejected, result.Code);
        Assert.Contains("flash is busy", result.Reason);
    }

    [Fact]
    public async Task A_package_larger_than_the_device_takes_is_refused_before_any_data()
    {
        await using var device = new LoopbackDevice(Accept, options: new ReceiverOptions("small", "mps2-an386") { MaxPackageBytes = 1000 });
        using var limit = new CancellationTokenSource(TestLimit);

        var result = await new PackageUploader(Package(2000), Fast).UploadAsync(_ => Task.FromResult(device.Connect()), null, limit.Token);

        Assert.Equal(StatusCode.TooLarge, result.Code);
        Assert.Contains("at most 1000", result.Reason);
        Assert.Empty(device.Applied);
    }

    [Fact]
    public async Task A_device_that_never_answers_fails_with_a_clear_reason_after_the_allowed_reconnects()
    {
        var options = new UploaderOptions { FrameTimeout = TimeSpan.FromMilliseconds(20), Attempts = 3, Reconnects = 1, ReconnectDelay = TimeSpan.Zero };
        int connects = 0;
        using var limit = new CancellationTokenSource(TestLimit);

        var error = await Assert.ThrowsAsync<LinkException>(() => new PackageUploader(Package(100), options).UploadAsync(_ =>
        {
            connects++;
            return Task.FromResult(DuplexPipe.Create().Host);
        }, null, limit.Token));

        Assert.Equal(2, connects);
        Assert.Contains("after 1 reconnects", error.Message);
        Assert.Contains("no answer to Hello after 3 attempts", error.Message);
    }

    [Fact]
    public async Task A_port_that_cannot_be_reopened_fails_with_the_reason()
    {
        await using var device = new LoopbackDevice(Accept);
        var disconnect = new DisconnectHalfway();
        int connects = 0;
        using var limit = new CancellationTokenSource(TestLimit);

        var error = await Assert.ThrowsAsync<LinkException>(() => new PackageUploader(Package(64 * 1024), Fast with { Reconnects = 2, ReconnectDelay = TimeSpan.Zero })
            .UploadAsync(disconnect.Track(() => ++connects == 1 ? device.Connect() : throw new IOException("the adapter was unplugged")), disconnect, limit.Token));

        Assert.Equal(3, connects);
        Assert.Equal("upload abandoned after 2 reconnects: cannot reopen the port: the adapter was unplugged", error.Message);
    }

    [Fact]
    public async Task A_port_that_cannot_be_opened_fails_at_once()
    {
        using var limit = new CancellationTokenSource(TestLimit);
        await Assert.ThrowsAsync<IOException>(() => new PackageUploader(Package(100)).UploadAsync(
            _ => Task.FromResult<Stream>(SerialPortStream.Open("/nonexistent/ttyX", 115200)), null, limit.Token));
    }
}
