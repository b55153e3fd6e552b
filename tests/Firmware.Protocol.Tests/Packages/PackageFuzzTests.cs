using CsCheck;
using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Tests.Packages;

/// <summary>Hostile input gives an error value: no exception, no hang (each test is bounded by its iterations).</summary>
public sealed class PackageFuzzTests
{
    private static void Survives(byte[] bytes)
    {
        var check = PackageReader.Check(bytes, Samples.Device());
        Assert.False(check.Ok && !bytes.AsSpan().SequenceEqual(Samples.Valid), "a changed package was accepted");
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        for (int length = 0; length < Samples.Valid.Length; length++)
            Assert.Equal(PackageError.Structure, PackageReader.Check(Samples.Valid.AsSpan(0, length), Samples.Device()).Error);
    }

    [Fact]
    public void Random_mutations_are_rejected_without_exceptions()
    {
        var edits = Gen.Select(Gen.Int[0, Samples.Valid.Length - 1], Gen.Byte).Array[1, 8];
        edits.Sample(list =>
        {
            byte[] bytes = [.. Samples.Valid];
            foreach (var (position, value) in list) bytes[position] = value;
            Survives(bytes);
        }, iter: 5000);
    }

    [Fact]
    public void Inserted_and_deleted_ranges_are_rejected_without_exceptions()
    {
        var edit = Gen.Select(Gen.Int[0, Samples.Valid.Length], Gen.Int[0, 16], Gen.Byte.Array[0, 16]);
        edit.Sample(e =>
        {
            var (position, deleted, inserted) = e;
            int end = Math.Min(Samples.Valid.Length, position + deleted);
            Survives([.. Samples.Valid[..position], .. inserted, .. Samples.Valid[end..]]);
        }, iter: 5000);
    }

    [Fact]
    public void Random_bytes_are_structure_errors()
    {
        Gen.Byte.Array[0, 512].Sample(bytes => Assert.Equal(PackageError.Structure, PackageReader.Check(bytes, Samples.Device()).Error), iter: 5000);
    }

    /// <summary>Length headers claiming huge strings or arrays must fail on the claim, not allocate it.</summary>
    [Fact]
    public void Huge_declared_lengths_are_structure_errors()
    {
        byte[][] claims =
        [
            [0xa2, 0x01, 0x5b, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00],
            [0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            [0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            [0xa2, 0x01, 0xd2, 0x84, 0x5a, 0xff, 0xff, 0xff, 0xff],
        ];
        foreach (byte[] claim in claims)
            Assert.Equal(PackageError.Structure, PackageReader.Check(claim, Samples.Device()).Error);
        Assert.Equal(PackageError.Structure, PackageReader.Check(new byte[PackageLimits.MaxPackageBytes + 1], Samples.Device()).Error);
    }
}
