using System.Formats.Cbor;
using Firmware.Protocol.Packages;

namespace Firmware.Protocol.Tests.Packages;

/// <summary>The protected header's alg leaves room for Ed25519 (-8): a reader that lacks it says so instead of failing the signature silently.</summary>
public sealed class AlgorithmTests
{
    [Fact]
    public void An_unsupported_algorithm_is_a_signature_error_that_names_it()
    {
        var check = PackageReader.Check(WithAlgorithm(CoseAlgorithm.EdDSA), Samples.Device());
        Assert.Equal(PackageError.Signature, check.Error);
        Assert.Contains("unsupported signature algorithm -8", check.Message);
    }

    /// <summary>The sample package re-encoded with another alg in its protected header (the signature no longer matters).</summary>
    private static byte[] WithAlgorithm(int algorithm)
    {
        var reader = new CborReader(Samples.Valid, CborConformanceMode.Canonical);
        reader.ReadStartMap();
        reader.ReadInt32();
        reader.ReadTag();
        reader.ReadStartArray();
        reader.ReadByteString();
        reader.ReadStartMap();
        reader.ReadEndMap();
        byte[] payload = reader.ReadByteString();
        byte[] signature = reader.ReadByteString();
        reader.ReadEndArray();
        reader.ReadInt32();
        byte[] program = reader.ReadByteString();

        var header = new CborWriter(CborConformanceMode.Canonical);
        header.WriteStartMap(2);
        header.WriteInt32(1); header.WriteInt32(algorithm);
        header.WriteInt32(4); header.WriteByteString(Samples.Key.KeyId);
        header.WriteEndMap();

        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(2);
        writer.WriteInt32(1);
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(header.Encode());
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(payload);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        writer.WriteInt32(2);
        writer.WriteByteString(program);
        writer.WriteEndMap();
        return writer.Encode();
    }
}
