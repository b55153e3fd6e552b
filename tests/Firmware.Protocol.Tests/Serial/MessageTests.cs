using Firmware.Protocol.Fleet;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

public sealed class MessageTests
{
    public static TheoryData<Message> Messages() =>
    [
        new Hello(Message.ProtocolVersion),
        new Identify(1, 1024, 1 << 20, "bench-1", "mps2-an386"),
        new UploadBegin(0xDEADBEEF, 65536, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
        new UploadData(7, 512, new byte[] { 0, 1, 2, 0 }),
        new UploadCommit(7),
        new UploadQuery(7),
        new UploadAck(7, 768),
        new UploadStatus(7, StatusCode.Rejected, "sequence 3 is not newer than the installed 4"),
        new ReadCounters(),
        new Counters([new Counter("packets", 1234), new Counter("calibrate(0)", -400), new Counter("", long.MinValue)]),
        new Counters([]),
        new ReadContainer(3),
        new ContainerEntry(0, 2, new ContainerStateReport("limiter", 7, "running", 1200, 0, 1, 30, 850, 9000, 12, 3, null)),
        new ContainerEntry(1, 2, new ContainerStateReport("average", ulong.MaxValue, "faulted", 5, 1, 0, 0, 0, 0, 0, 0, "invalid read of 8 bytes at 0x7f00")),
        new ContainerEntry(2, 2, null),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Messages_round_trip_through_frames(Message message)
    {
        var parsed = Message.Parse(message.ToFrame(42));
        Assert.Equal(message.Kind, parsed.Kind);
        // Equal payload bytes: records holding arrays compare by reference.
        Assert.Equal(message.ToFrame(0).Payload.ToArray(), parsed.ToFrame(0).Payload.ToArray());
    }

    [Fact]
    public void Layouts_are_fixed_little_endian_fields()
    {
        Assert.Equal([0x04, 0x03, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00], new UploadAck(0x01020304, 256).ToFrame(0).Payload.ToArray());
        Assert.Equal([0x07, 0, 0, 0, 0x01, (byte)'n', (byte)'o'], new UploadStatus(7, StatusCode.Rejected, "no").ToFrame(0).Payload.ToArray());
        Assert.Equal([0x01, (byte)'n', 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], new Counters([new Counter("n", -2)]).ToFrame(0).Payload.ToArray());
    }

    [Fact]
    public void Counters_are_found_by_name()
    {
        var counters = (Counters)Message.Parse(new Counters([new Counter("packets", 9), new Counter("overruns", 2)]).ToFrame(0));
        Assert.Equal((9, 2), (counters["packets"], counters["overruns"]));
        Assert.Contains("'installs'", Assert.Throws<KeyNotFoundException>(() => counters["installs"]).Message);
    }

    [Theory]
    [InlineData(MessageKind.Ack, new byte[] { 1, 2, 3 })]
    [InlineData(MessageKind.Commit, new byte[] { 1, 2, 3, 4, 5 })]
    [InlineData(MessageKind.Begin, new byte[] { 1, 0, 0, 0, 8, 0, 0, 0 })]
    [InlineData(MessageKind.Identify, new byte[] { 1, 0, 4, 0, 0, 1, 0, 9, (byte)'x' })]
    [InlineData(MessageKind.Status, new byte[] { 1, 0, 0, 0, 1, 0xC3 })]
    [InlineData(MessageKind.ReadCounters, new byte[] { 0 })]
    [InlineData(MessageKind.Counters, new byte[] { 2, (byte)'a', (byte)'b', 1, 2, 3 })]
    [InlineData(MessageKind.ReadContainer, new byte[] { 1 })]
    [InlineData(MessageKind.ContainerEntry, new byte[] { 0, 0, 1, 0, 1, (byte)'c', 7 })]
    public void Payloads_that_do_not_fit_their_kind_are_refused(MessageKind kind, byte[] payload) =>
        Assert.Throws<MessageFormatException>(() => Message.Parse(new Frame(kind, 0, payload)));

    [Fact]
    public void A_container_entry_carries_the_fleet_reports_fields_and_no_report_past_the_end()
    {
        var report = new ContainerStateReport("limiter", 7, "stopped", 1200, 2, 1, 30, 850, 9000, 12, 3, "budget exceeded");

        var entry = (ContainerEntry)Message.Parse(new ContainerEntry(4, 9, report).ToFrame(0));
        var past = (ContainerEntry)Message.Parse(new ContainerEntry(9, 9, null).ToFrame(0));

        Assert.Equal((4, 9, report), (entry.Index, entry.Total, entry.Report));
        Assert.Equal((9, 9, (ContainerStateReport?)null), (past.Index, past.Total, past.Report));
    }

    [Fact]
    public void Long_reasons_are_cut_to_fit_one_frame()
    {
        var status = new UploadStatus(1, StatusCode.Rejected, new string('é', 2000));
        var payload = status.ToFrame(0).Payload;
        Assert.True(payload.Length <= FrameCodec.MaxPayload);
        Assert.StartsWith("éé", ((UploadStatus)Message.Parse(new Frame(MessageKind.Status, 0, payload))).Reason);
    }
}
