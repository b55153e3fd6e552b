using System.Security.Cryptography;

namespace Firmware.Protocol.Packages;

/// <summary>
/// A public key a device (or `fwctl inspect --pub`) trusts. Its key id, the first 8 bytes of the SHA-256
/// of its SubjectPublicKeyInfo, is what a package's protected header names.
/// </summary>
public sealed class TrustedKey
{
    private readonly ECDsa _key;

    private TrustedKey(ECDsa key)
    {
        _key = key;
        KeyId = KeyIds.Of(key.ExportSubjectPublicKeyInfo());
    }

    public int Algorithm => CoseAlgorithm.ES256;

    public byte[] KeyId { get; }

    /// <summary>A SubjectPublicKeyInfo PEM ("PUBLIC KEY") holding a P-256 key.</summary>
    public static TrustedKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new PackageFormatException($"not a PEM public key: {e.Message}");
        }
        return new TrustedKey(KeyIds.RequireP256(key));
    }

    public static TrustedKey FromPublicKey(ECDsa key) => new(KeyIds.RequireP256(key));

    /// <summary>ES256: ECDSA P-256 over SHA-256, signature as r || s (64 bytes), as COSE requires.</summary>
    public bool Verify(byte[] data, byte[] signature) =>
        signature.Length == 64 && _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
