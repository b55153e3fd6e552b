using System.Security.Cryptography;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

/// <summary>The device's state machine (docs/serial-protocol.md), request by request, as a C stub must mirror it.</summary>
public sealed class ReceiverTests : IAsyncDisposable
{
    private static readonly byte[] Package = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
    private static readonly UploadBegin Begin = new(0x51, (uint)Package.Length, SHA256.HashData(Package));

    private readonly LoopbackDevice _device = new(_ => new ApplyResult(true, "installed"), options: new ReceiverOptions("unit-1", "mps2-an386") { MaxPackageBytes = 1000 });
    private readonly SerialLink _host;

    public ReceiverTests() => _host = new SerialLink(_device.Connect());

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _device.DisposeAsync();
    }

    private Task<Message> Ask(Message request) =>
        _host.RequestAsync(request, _ => true, TimeSpan.FromSeconds(5), 1, CancellationToken.None);

    private static UploadData Data(uint offset, int length, uint uploadId = 0x51) => new(uploadId, offset, Package.AsMemory((int)offset, length));

    [Fact]
    public async Task Hello_is_answered_with_who_the_device_is_and_what_it_takes() =>
        Assert.Equal(new Identify(1, FrameCodec.MaxPayload, 1000, "unit-1", "mps2-an386"), await Ask(new Hello(1)));

    [Fact]
    public async Task Data_is_stored_only_in_order_and_every_answer_is_the_next_expected_offset()
    {
        Assert.Equal(new UploadAck(0x51, 0), await Ask(Begin));
        Assert.Equal(new UploadAck(0x51, 0), await Ask(Data(100, 100)));   // after a gap: nothing stored
        Assert.Equal(new UploadAck(0x51, 100), await Ask(Data(0, 100)));
        Assert.Equal(new UploadAck(0x51, 100), await Ask(Data(0, 100)));   // a duplicate
        Assert.Equal(new UploadAck(0x51, 300), await Ask(Data(50, 250)));  // overlapping: the new part is kept
        Assert.Equal(new UploadAck(0x51, 300), await Ask(new UploadQuery(0x51)));
        Assert.Equal(new UploadAck(0x51, 300), await Ask(Begin));          // Begin again: where it stands
        Assert.Equal(StatusCode.Incomplete, ((UploadStatus)await Ask(new UploadCommit(0x51))).Code);
        Assert.Equal(new UploadAck(0x51, 600), await Ask(Data(300, 300)));
        Assert.Equal(new UploadStatus(0x51, StatusCode.Applied, "installed"), await Ask(new UploadCommit(0x51)));
        Assert.Equal(new UploadStatus(0x51, StatusCode.Applied, "installed"), await Ask(new UploadCommit(0x51)));
        Assert.Equal(new UploadStatus(0x51, StatusCode.Applied, "installed"), await Ask(new UploadQuery(0x51)));
        Assert.Equal(Package, Assert.Single(_device.Applied));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_announced_digest_are_not_applied()
    {
        await Ask(Begin with { Sha256 = new byte[32] });
        await Ask(Data(0, 600));
        Assert.Equal(StatusCode.DigestMismatch, ((UploadStatus)await Ask(new UploadCommit(0x51))).Code);
        Assert.Empty(_device.Applied);
    }

    [Fact]
    public async Task Requests_the_device_cannot_act_on_get_a_reason()
    {
        Assert.Equal(StatusCode.UnknownUpload, ((UploadStatus)await Ask(new UploadQuery(0x99))).Code);
        Assert.Equal(StatusCode.UnknownUpload, ((UploadStatus)await Ask(Data(0, 10, uploadId: 0x99))).Code);
        Assert.Equal(StatusCode.UnknownUpload, ((UploadStatus)await Ask(new UploadCommit(0x99))).Code);
        Assert.Equal(StatusCode.TooLarge, ((UploadStatus)await Ask(Begin with { UploadId = 0x52, TotalSize = 1001 })).Code);
        Assert.Equal(StatusCode.BadRequest, ((UploadStatus)await Ask(Begin with { UploadId = 0x53, TotalSize = 0 })).Code);
        await Ask(Begin);
        Assert.Equal(StatusCode.BadRequest, ((UploadStatus)await Ask(Begin with { TotalSize = 500 })).Code);
        Assert.Equal(StatusCode.BadRequest, ((UploadStatus)await Ask(new UploadData(0x51, 590, new byte[20]))).Code);
    }

    [Fact]
    public async Task A_new_upload_replaces_an_unfinished_one()
    {
        await Ask(Begin);
        await Ask(Data(0, 100));
        Assert.Equal(new UploadAck(0x60, 0), await Ask(Begin with { UploadId = 0x60 }));
        Assert.Equal(StatusCode.UnknownUpload, ((UploadStatus)await Ask(new UploadQuery(0x51))).Code);
    }

    [Fact]
    public async Task Frames_that_are_not_requests_are_ignored_and_counted()
    {
        await _host.SendAsync(new UploadAck(1, 2), 9, CancellationToken.None);
        await _host.SendAsync(new Frame(MessageKind.Commit, 10, new byte[] { 1 }), CancellationToken.None);
        Assert.IsType<Identify>(await Ask(new Hello(1)));
        Assert.Equal(1, _device.Receiver.Stats.Stale);
        Assert.Equal(1, _device.Receiver.Stats.Malformed);
    }
}
