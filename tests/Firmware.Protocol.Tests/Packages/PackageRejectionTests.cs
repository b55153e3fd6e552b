using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Tests.Packages;

/// <summary>Each check of the reader, in order, has its own error.</summary>
public sealed class PackageRejectionTests
{
    private static PackageCheck Check(byte[] package, PackagePolicy? policy = null) => PackageReader.Check(package, policy ?? Samples.Device());

    [Fact]
    public void Garbage_is_a_structure_error()
    {
        var check = Check([0xa2, 0x01]);
        Assert.Equal(PackageError.Structure, check.Error);
        Assert.StartsWith("malformed package", check.Message);
        Assert.Equal(PackageError.Structure, Check([]).Error);
        Assert.Equal(PackageError.Structure, Check([.. Samples.Valid, 0]).Error);
    }

    [Fact]
    public void Another_key_is_a_signature_error()
    {
        var check = Check(Samples.Package(key: Samples.OtherKey));
        Assert.Equal(PackageError.Signature, check.Error);
        Assert.Contains("not trusted", check.Message);
    }

    [Fact]
    public void Another_board_is_a_board_error()
    {
        var check = Check(Samples.Valid, Samples.Device(board: "nano"));
        Assert.Equal(PackageError.Board, check.Error);
        Assert.Equal("package is for board 'linux-x64', this is 'nano'", check.Message);
    }

    [Fact]
    public void Another_firmware_build_is_a_build_error()
    {
        var check = Check(Samples.Valid, Samples.Device(buildId: [1, 2, 3]));
        Assert.Equal(PackageError.FirmwareBuild, check.Error);
        Assert.Contains("8f2c1a9e44b07d21", check.Message);
    }

    [Theory]
    [InlineData(5ul)]
    [InlineData(6ul)]
    public void A_sequence_not_above_the_installed_one_is_a_rollback(ulong installed)
    {
        var check = Check(Samples.Valid, Samples.Device(lastSequence: installed));
        Assert.Equal(PackageError.Sequence, check.Error);
        Assert.Contains("rollback refused", check.Message);
    }

    [Fact]
    public void Another_program_is_a_digest_error()
    {
        byte[] package = [.. Samples.Valid];
        package[^1] ^= 0x01; // the program is the envelope's last item
        var check = Check(package);
        Assert.Equal(PackageError.Digest, check.Error);
    }

    /// <summary>Which check fails first follows the documented order: a signature problem hides the board mismatch.</summary>
    [Fact]
    public void Checks_run_in_order()
    {
        Assert.Equal(PackageError.Signature, Check(Samples.Package(key: Samples.OtherKey), Samples.Device(board: "nano")).Error);
        Assert.Equal(PackageError.Board, Check(Samples.Valid, Samples.Device(board: "nano", buildId: [1], lastSequence: 9)).Error);
        Assert.Equal(PackageError.FirmwareBuild, Check(Samples.Valid, Samples.Device(buildId: [1], lastSequence: 9)).Error);
    }

    /// <summary>No single changed byte anywhere in a package gets past the reader.</summary>
    [Fact]
    public void Flipping_any_single_byte_is_rejected()
    {
        var seen = new HashSet<PackageError>();
        for (int i = 0; i < Samples.Valid.Length; i++)
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xff })
            {
                byte[] package = [.. Samples.Valid];
                package[i] ^= mask;
                var check = Check(package);
                Assert.False(check.Ok, $"byte {i} ^ {mask:x2} was accepted");
                seen.Add(check.Error);
            }
        Assert.Equal([PackageError.Structure, PackageError.Signature, PackageError.Digest], seen.Order());
    }
}
