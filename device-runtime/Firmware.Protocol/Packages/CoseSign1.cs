using System.Formats.Cbor;
using static Firmware.Protocol.Packages.CborFields;

namespace Firmware.Protocol.Packages;

/// <summary>
/// COSE_Sign1 (RFC 9052 §4.2): tag 18, [protected header bstr, unprotected header {}, payload bstr,
/// signature bstr]. The protected header is {1: alg, 4: kid}; the signature covers the Sig_structure
/// ["Signature1", protected, external_aad = h'', payload].
/// </summary>
internal sealed record CoseSign1(byte[] ProtectedHeader, int Algorithm, byte[] KeyId, byte[] Payload, byte[] Signature)
{
    private const CborTag Tag = (CborTag)18;
    private const int HeaderAlgorithm = 1;
    private const int HeaderKeyId = 4;

    public static void Write(CborWriter writer, byte[] payload, SigningKey key)
    {
        byte[] protectedHeader = EncodeProtectedHeader(key.Algorithm, key.KeyId);
        writer.WriteTag(Tag);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(payload);
        writer.WriteByteString(key.Sign(ToBeSigned(protectedHeader, payload)));
        writer.WriteEndArray();
    }

    public static CoseSign1 Read(CborReader reader)
    {
        if (reader.PeekState() != CborReaderState.Tag || reader.ReadTag() != Tag)
            throw new PackageFormatException("manifest: expected a COSE_Sign1 (tag 18)");
        if (StartArray(reader, 4, "COSE_Sign1") != 4) throw new PackageFormatException("COSE_Sign1: expected 4 elements");
        byte[] protectedHeader = Bytes(reader, 64, "COSE protected header");
        if (StartMap(reader, 0, "COSE unprotected header") != 0) throw new PackageFormatException("COSE unprotected header: expected empty");
        reader.ReadEndMap();
        byte[] payload = Bytes(reader, PackageLimits.MaxPackageBytes, "COSE payload");
        byte[] signature = Bytes(reader, 256, "COSE signature");
        reader.ReadEndArray();
        var (algorithm, keyId) = DecodeProtectedHeader(protectedHeader);
        return new CoseSign1(protectedHeader, algorithm, keyId, payload, signature);
    }

    public byte[] ToBeSigned() => ToBeSigned(ProtectedHeader, Payload);

    /// <summary>Why the signature is not acceptable from <paramref name="trustedKeys"/>, or null when one of them signed it.</summary>
    public string? Untrusted(IReadOnlyList<TrustedKey> trustedKeys)
    {
        if (Algorithm != CoseAlgorithm.ES256)
            return $"unsupported signature algorithm {Algorithm} (this device verifies ES256, {CoseAlgorithm.ES256})";
        var key = trustedKeys.FirstOrDefault(k => k.KeyId.AsSpan().SequenceEqual(KeyId));
        if (key is null)
            return $"signed by key {Convert.ToHexStringLower(KeyId)}, which is not trusted";
        return key.Verify(ToBeSigned(), Signature)
            ? null
            : $"signature does not verify with trusted key {Convert.ToHexStringLower(key.KeyId)}";
    }

    private static byte[] ToBeSigned(byte[] protectedHeader, byte[] payload)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(4);
        writer.WriteTextString("Signature1");
        writer.WriteByteString(protectedHeader);
        writer.WriteByteString([]);
        writer.WriteByteString(payload);
        writer.WriteEndArray();
        return writer.Encode();
    }

    private static byte[] EncodeProtectedHeader(int algorithm, byte[] keyId)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(2);
        writer.WriteInt32(HeaderAlgorithm); writer.WriteInt32(algorithm);
        writer.WriteInt32(HeaderKeyId); writer.WriteByteString(keyId);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static (int Algorithm, byte[] KeyId) DecodeProtectedHeader(byte[] header)
    {
        var reader = new CborReader(header, CborConformanceMode.Canonical);
        if (StartMap(reader, 2, "COSE protected header") != 2) throw new PackageFormatException("COSE protected header: expected {1: alg, 4: kid}");
        if (Key(reader, 0, "COSE protected header") != HeaderAlgorithm) throw new PackageFormatException("COSE protected header: missing alg");
        long algorithm = Integer(reader, "COSE alg");
        if (Key(reader, HeaderAlgorithm, "COSE protected header") != HeaderKeyId) throw new PackageFormatException("COSE protected header: missing kid");
        byte[] keyId = Bytes(reader, PackageLimits.MaxKeyIdBytes, "COSE kid");
        reader.ReadEndMap();
        if (reader.BytesRemaining != 0) throw new PackageFormatException("COSE protected header: bytes after the end");
        return (algorithm is >= int.MinValue and <= int.MaxValue ? (int)algorithm : 0, keyId);
    }
}
