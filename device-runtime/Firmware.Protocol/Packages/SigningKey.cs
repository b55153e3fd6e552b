using System.Security.Cryptography;

namespace Firmware.Protocol.Packages;

/// <summary>The private key `fwctl pack` signs with (ES256, P-256). Ed25519 would be a second signer with alg -8.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        KeyId = KeyIds.Of(key.ExportSubjectPublicKeyInfo());
    }

    public int Algorithm => CoseAlgorithm.ES256;

    public byte[] KeyId { get; }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A PKCS#8 PEM ("PRIVATE KEY") holding a P-256 key.</summary>
    public static SigningKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new PackageFormatException($"not a PEM private key: {e.Message}");
        }
        return new SigningKey(KeyIds.RequireP256(key));
    }

    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public TrustedKey PublicKey => TrustedKey.FromPem(PublicKeyPem);

    public byte[] Sign(byte[] data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();
}
