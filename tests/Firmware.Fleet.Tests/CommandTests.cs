using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;

namespace Firmware.Fleet.Tests;

/// <summary>The signed command and its chunks: what a device accepts, in any order, and what it refuses.</summary>
public sealed class CommandTests
{
    private static readonly SigningKey Key = SigningKey.Generate();

    [Fact]
    public void A_large_install_survives_chunking_in_any_order_and_verifies()
    {
        var package = new byte[300_000];
        new Random(7).NextBytes(package);
        var command = FleetCommand.Install("gw-1", "parse_packet", package);
        var chunks = CommandChunks.Split(command.Sign(Key), 64 * 1024);
        Assert.Equal(5, chunks.Count);

        var assembler = new CommandChunks.Assembler();
        byte[]? whole = null;
        foreach (var chunk in chunks.Reverse().Append(chunks[2])) // reversed, and one delivered twice
        {
            var result = assembler.Add(chunk, out string? error);
            Assert.Null(error);
            whole ??= result;
        }

        var check = FleetCommand.Verify(whole!, [Key.PublicKey], "gw-1");
        Assert.Equal(command.IdHex, check.Command!.IdHex);
        Assert.Equal(package, check.Command.Package);
    }

    [Fact]
    public void Chunks_that_disagree_with_their_transfer_or_its_digest_are_refused()
    {
        var chunks = CommandChunks.Split(FleetCommand.Remove("gw-1", "calibrate").Sign(Key), 100);
        var assembler = new CommandChunks.Assembler();
        var corrupted = chunks.Select(c => (byte[])c.Clone()).ToList();
        corrupted[^1][^1] ^= 1;
        byte[]? whole = null;
        string? last = null;
        foreach (var chunk in corrupted)
        {
            var result = assembler.Add(chunk, out string? error);
            whole ??= result;
            last = error ?? last;
        }
        Assert.Null(whole);
        Assert.Equal("reassembled command does not match its digest", last);

        var mixed = (byte[])chunks[0].Clone();
        mixed[22] = 99; // a different count for the same transfer
        assembler.Add(chunks[0], out _);
        Assert.Null(assembler.Add(mixed, out string? disagreement));
        Assert.Equal("chunk disagrees with its transfer's count or digest", disagreement);
    }

    [Fact]
    public void The_assembler_bounds_what_partial_transfers_can_hold()
    {
        var assembler = new CommandChunks.Assembler(maxBytes: 1000);
        var chunks = CommandChunks.Split(new byte[5000], 500);
        string? error = null;
        foreach (var chunk in chunks) { assembler.Add(chunk, out error); if (error is not null) break; }
        Assert.Equal("command larger than 1000 bytes", error);
    }

    [Fact]
    public void Any_change_to_a_signed_command_is_refused()
    {
        byte[] signed = FleetCommand.Rollback("gw-1", "calibrate").Sign(Key);
        for (int i = 0; i < signed.Length; i++)
        {
            var tampered = (byte[])signed.Clone();
            tampered[i] ^= 0x20;
            Assert.Null(FleetCommand.Verify(tampered, [Key.PublicKey], "gw-1").Command);
        }
        Assert.NotNull(FleetCommand.Verify(signed, [Key.PublicKey], "gw-1").Command);
        Assert.Contains("not trusted", FleetCommand.Verify(signed, [SigningKey.Generate().PublicKey], "gw-1").Reason);
    }
}
