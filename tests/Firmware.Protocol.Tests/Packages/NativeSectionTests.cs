using System.Formats.Cbor;
using System.Security.Cryptography;
using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Tests.Packages;

/// <summary>The envelope's native section (key 3) and the manifest's digest of it (key 14).</summary>
public sealed class NativeSectionTests
{
    private static readonly NativeCode Native = new(NativeCode.Thumbv7m, [0x00, 0x20, 0x00, 0x21, 0x70, 0x47, 0x00, 0xbf, 0, 0, 0, 0],
        [new NativeRelocation(8, 1, 5)], 544);

    private static byte[] WithNative(NativeCode native) => PackageWriter.Write(Samples.Manifest(), Samples.Program, Samples.Key, native);

    [Fact]
    public void Native_code_reads_back_and_its_digest_is_signed()
    {
        var check = PackageReader.Check(WithNative(Native), Samples.Device());
        Assert.True(check.Ok, check.Message);
        var native = check.Package!.Native!;
        Assert.Equal((Native.Target, Native.StackBytes), (native.Target, native.StackBytes));
        Assert.Equal(Native.Code, native.Code);
        Assert.Equal(Native.Relocations, native.Relocations);
        Assert.Equal(32, check.Package.Manifest.NativeDigest!.Length);
    }

    [Fact]
    public void A_package_without_native_code_has_no_native_digest()
    {
        var check = PackageReader.Check(Samples.Valid, Samples.Device());
        Assert.Null(check.Package!.Native);
        Assert.Null(check.Package.Manifest.NativeDigest);
    }

    [Fact]
    public void Changed_native_code_is_a_digest_error()
    {
        byte[] package = WithNative(Native);
        int at = package.AsSpan().IndexOf(Native.Code);
        package[at + 1] ^= 0x01;
        var check = PackageReader.Check(package, Samples.Device());
        Assert.Equal(PackageError.Digest, check.Error);
        Assert.Contains("native", check.Message);
    }

    [Fact]
    public void Native_code_added_to_a_signed_package_is_refused()
    {
        // Re-wrap a signed envelope with a native section its manifest does not name.
        var reader = new CborReader(Samples.Valid, CborConformanceMode.Canonical);
        reader.ReadStartMap();
        reader.ReadInt32();
        byte[] cose = reader.ReadEncodedValue().ToArray();
        reader.ReadInt32();
        byte[] program = reader.ReadByteString();
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(3);
        writer.WriteInt32(1); writer.WriteEncodedValue(cose);
        writer.WriteInt32(2); writer.WriteByteString(program);
        writer.WriteInt32(3); writer.WriteEncodedValue(ExtractNativeSection(WithNative(Native)));
        writer.WriteEndMap();
        var check = PackageReader.Check(writer.Encode(), Samples.Device());
        Assert.Equal(PackageError.Structure, check.Error);
        Assert.Contains("native code digest", check.Message);
    }

    [Fact]
    public void Relocations_outside_the_code_are_not_written()
    {
        var bad = Native with { Relocations = [new NativeRelocation(10, 1, 5)] };
        var e = Assert.Throws<PackageFormatException>(() => WithNative(bad));
        Assert.Contains("offset 10", e.Message);
    }

    [Fact]
    public void The_digest_is_over_the_section_as_encoded()
    {
        byte[] package = WithNative(Native);
        var manifest = PackageReader.Check(package, Samples.Device()).Package!.Manifest;
        Assert.Equal(SHA256.HashData(ExtractNativeSection(package)), manifest.NativeDigest);
    }

    private static byte[] ExtractNativeSection(byte[] package)
    {
        var reader = new CborReader(package, CborConformanceMode.Canonical);
        reader.ReadStartMap();
        reader.ReadInt32(); reader.SkipValue();
        reader.ReadInt32(); reader.SkipValue();
        reader.ReadInt32();
        return reader.ReadEncodedValue().ToArray();
    }
}
