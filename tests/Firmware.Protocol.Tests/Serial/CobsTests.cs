using CsCheck;
using Firmware.Protocol.Serial;

namespace Firmware.Protocol.Tests.Serial;

public sealed class CobsTests
{
    /// <summary>Blocks rich in zeros and in 254-byte runs, where the encoding has its edge cases.</summary>
    private static readonly Gen<byte[]> Blocks = Gen.Frequency(
        (2, Gen.Byte.Array[0, 1100]),
        (1, Gen.OneOf<byte>(0, 1, 0xFF).Array[0, 600]),
        (1, Gen.Int[250, 520].Select(n => Enumerable.Repeat((byte)7, n).ToArray())));

    [Fact]
    public void Encoding_round_trips_has_no_zero_and_stays_within_the_bound() =>
        Blocks.Sample(block =>
        {
            var encoded = new byte[Cobs.MaxEncodedLength(block.Length)];
            int length = Cobs.Encode(block, encoded);
            Assert.True(length <= encoded.Length);
            Assert.DoesNotContain((byte)0, encoded[..length]);
            var decoded = new byte[length];
            Assert.Equal(block, decoded[..Cobs.Decode(encoded.AsSpan(0, length), decoded)]);
        }, iter: 2000);

    [Theory]
    [InlineData(new byte[] { 0x00 }, new byte[] { 0x01, 0x01 })]
    [InlineData(new byte[] { 0x11, 0x22, 0x00, 0x33 }, new byte[] { 0x03, 0x11, 0x22, 0x02, 0x33 })]
    [InlineData(new byte[] { }, new byte[] { 0x01 })]
    public void Matches_the_published_examples(byte[] block, byte[] expected)
    {
        var encoded = new byte[Cobs.MaxEncodedLength(block.Length)];
        Assert.Equal(expected, encoded[..Cobs.Encode(block, encoded)]);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x11 })]
    [InlineData(new byte[] { 0x02, 0x00 })]
    [InlineData(new byte[] { 0x00 })]
    public void Invalid_blocks_are_refused(byte[] block) => Assert.Equal(-1, Cobs.Decode(block, new byte[block.Length]));
}
