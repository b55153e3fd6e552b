using System.Security.Cryptography;
using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Tests.Packages;

public sealed class PackageRoundTripTests
{
    [Fact]
    public void A_written_package_reads_back_with_every_field()
    {
        var check = PackageReader.Check(Samples.Valid, Samples.Device());
        Assert.True(check.Ok, check.Message);
        var package = check.Package!;
        var expected = Samples.Manifest();
        var m = package.Manifest;
        Assert.Equal((expected.Sequence, expected.Board, expected.Hook, expected.Kind, expected.ProgramName, expected.Verdict, expected.Description),
            (m.Sequence, m.Board, m.Hook, m.Kind, m.ProgramName, m.Verdict, m.Description));
        Assert.Equal(Samples.BuildId, m.FirmwareBuildId);
        Assert.Equal(Samples.Program, package.Program);
        Assert.Equal(Samples.Program.Length, m.ProgramSize);
        Assert.Equal(SHA256.HashData(Samples.Program), m.ProgramDigest);
        Assert.Equal(expected.Helpers, m.Helpers);
        Assert.Equal(expected.Maps.Count, m.Maps.Count);
        Assert.Equal(expected.Maps[0], m.Maps[0]);
        Assert.Equal([1, 2, 3], m.Maps[1].InitialValue);
        Assert.True(m.Maps[1].ReadOnly);
        Assert.Equal(Samples.Key.KeyId, package.KeyId);
        Assert.Equal(CoseAlgorithm.ES256, package.Algorithm);
    }

    [Fact]
    public void The_program_loads_with_its_maps()
    {
        var program = PackageReader.Check(Samples.Valid, Samples.Device()).Package!.LoadProgram();
        Assert.Equal(2, program.Instructions.Length);
        Assert.Equal(7, program.Instructions[0].Imm);
        Assert.Equal("counts", program.Maps[0].Name);
    }

    [Fact]
    public void Inspecting_without_keys_reads_the_manifest_but_checks_no_signature()
    {
        var check = PackageReader.Check(Samples.Package(key: Samples.OtherKey), new PackagePolicy(TrustedKeys: null));
        Assert.True(check.Ok, check.Message);
    }

    [Fact]
    public void A_package_without_a_build_id_applies_to_any_build()
    {
        byte[] package = PackageWriter.Write(Samples.Manifest() with { FirmwareBuildId = [] }, Samples.Program, Samples.Key);
        Assert.True(PackageReader.Check(package, Samples.Device(buildId: [9, 9])).Ok);
    }

    [Fact]
    public void Keys_round_trip_through_pem()
    {
        using var key = SigningKey.FromPem(Samples.Key.PrivateKeyPem);
        Assert.Equal(Samples.Key.KeyId, key.KeyId);
        Assert.Equal(Samples.Key.KeyId, TrustedKey.FromPem(Samples.Key.PublicKeyPem).KeyId);
        Assert.Throws<PackageFormatException>(() => TrustedKey.FromPem("not a key"));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Contains("P-256", Assert.Throws<PackageFormatException>(() => TrustedKey.FromPem(p384.ExportSubjectPublicKeyInfoPem())).Message);
    }

    [Fact]
    public void The_writer_refuses_what_the_reader_would_refuse()
    {
        Assert.Throws<PackageFormatException>(() => PackageWriter.Write(Samples.Manifest() with { Board = new string('b', 65) }, Samples.Program, Samples.Key));
        Assert.Throws<PackageFormatException>(() => PackageWriter.Write(Samples.Manifest(), new byte[PackageLimits.MaxProgramBytes + 8], Samples.Key));
    }
}
