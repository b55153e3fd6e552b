using CsCheck;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

public sealed class FrameCodecTests
{
    private static readonly Gen<Frame> Frames = Gen.Select(
        Gen.OneOf(Enum.GetValues<MessageKind>()), Gen.UShort, Gen.Byte.Array[0, FrameCodec.MaxPayload],
        (kind, sequence, payload) => new Frame(kind, sequence, payload));

    private static (List<Frame> Good, List<FrameError> Bad) Read(params byte[][] wire)
    {
        var (good, bad) = (new List<Frame>(), new List<FrameError>());
        var reader = new FrameReader();
        foreach (var bytes in wire)
            reader.Feed(bytes, good.Add, bad.Add);
        return (good, bad);
    }

    private static void AssertSame(Frame expected, Frame actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Payload.ToArray(), actual.Payload.ToArray());
    }

    [Fact]
    public void Frames_round_trip_through_the_reader() =>
        Frames.Sample(frame =>
        {
            var (good, bad) = Read(FrameCodec.Encode(frame));
            Assert.Empty(bad);
            AssertSame(frame, Assert.Single(good));
        }, iter: 1000);

    [Fact]
    public void Any_single_corrupted_byte_is_rejected_and_the_next_frame_still_arrives() =>
        Gen.Select(Frames, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((frame, where, flip) =>
        {
            var wire = FrameCodec.Encode(frame);
            wire[where % wire.Length] ^= flip;
            var next = new Frame(MessageKind.Ack, 7, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            var (good, _) = Read(wire, FrameCodec.Encode(next));
            AssertSame(next, Assert.Single(good));
        }, iter: 3000);

    [Fact]
    public void Bytes_are_little_endian_with_the_crc_of_header_and_payload_last()
    {
        var wire = FrameCodec.Encode(new Frame(MessageKind.Commit, 0x0201, new byte[] { 0xAA }));
        // Body 04 01 02 AA + CRC-32("\x04\x01\x02\xAA") little-endian, COBS-encoded between two delimiters.
        var body = new byte[] { 0x04, 0x01, 0x02, 0xAA };
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(body);
        Assert.Equal(0x00, wire[0]);
        Assert.Equal(0x00, wire[^1]);
        var decoded = new byte[wire.Length];
        int length = Cobs.Decode(wire.AsSpan(1, wire.Length - 2), decoded);
        Assert.Equal([.. body, (byte)crc, (byte)(crc >> 8), (byte)(crc >> 16), (byte)(crc >> 24)], decoded[..length]);
    }

    [Fact]
    public void The_documented_example_frame_is_what_goes_on_the_wire() =>
        Assert.Equal(Convert.FromHexString("0003010106" + "01d8e23def00"), FrameCodec.Encode(new Hello(1).ToFrame(1)));

    [Fact]
    public void Garbage_before_a_frame_costs_nothing_but_a_counted_drop()
    {
        var frame = new Frame(MessageKind.Hello, 1, new byte[] { 1 });
        var (good, bad) = Read([0x13, 0x37, 0xFF, 0x42], FrameCodec.Encode(frame));
        AssertSame(frame, Assert.Single(good));
        Assert.Single(bad);
    }

    [Fact]
    public void Bad_frames_are_dropped_with_their_reason()
    {
        var valid = FrameCodec.Encode(new Frame(MessageKind.Hello, 1, new byte[] { 1 }));
        var badCrc = (byte[])valid.Clone();
        badCrc[3] ^= 0x40; // the sequence's low byte: still valid COBS
        var unknownKind = FrameCodec.Encode(new Frame(MessageKind.Hello, 1, ReadOnlyMemory<byte>.Empty));
        unknownKind = Reencode(unknownKind, body => body[0] = 0x7E);
        var overlong = Enumerable.Repeat((byte)0x11, FrameCodec.MaxEncoded + 10).Append((byte)0).ToArray();
        var (good, bad) = Read(
            [0x00, 0x03, 0x01, 0x02, 0x00],  // a well-formed COBS block of two bytes: too short for a frame
            [0x00, 0x09, 0x01, 0x00],        // its code byte points past the end
            badCrc,
            unknownKind,
            overlong,
            valid);
        Assert.Equal([FrameError.Truncated, FrameError.BadEncoding, FrameError.BadCrc, FrameError.UnknownKind, FrameError.Overlong], bad);
        Assert.Single(good);
    }

    [Fact]
    public void Payloads_beyond_the_limit_are_refused_when_sending() =>
        Assert.Throws<ArgumentException>(() => FrameCodec.Encode(new Frame(MessageKind.Data, 0, new byte[FrameCodec.MaxPayload + 1])));

    /// <summary>Changes a frame's body and gives it a correct CRC again, to reach the checks after the CRC.</summary>
    private static byte[] Reencode(byte[] wire, Action<byte[]> change)
    {
        var body = new byte[wire.Length];
        int length = Cobs.Decode(wire.AsSpan(1, wire.Length - 2), body);
        body = body[..length];
        change(body);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(length - 4), System.IO.Hashing.Crc32.HashToUInt32(body.AsSpan(0, length - 4)));
        var encoded = new byte[Cobs.MaxEncodedLength(length) + 2];
        return encoded[..(Cobs.Encode(body, encoded.AsSpan(1)) + 2)];
    }
}
