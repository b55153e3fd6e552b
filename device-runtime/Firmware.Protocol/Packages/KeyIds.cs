using System.Security.Cryptography;

namespace Firmware.Protocol.Packages;

internal static class KeyIds
{
    /// <summary>8 bytes are plenty to pick among a device's few trusted keys; the signature does the proving.</summary>
    public static byte[] Of(byte[] subjectPublicKeyInfo) => SHA256.HashData(subjectPublicKeyInfo)[..8];

    /// <summary>ES256 means P-256: a key on another curve is refused when loaded, not when a signature fails.</summary>
    public static ECDsa RequireP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (curve.Oid?.Value == ECCurve.NamedCurves.nistP256.Oid.Value) return key;
        key.Dispose();
        throw new PackageFormatException($"key is on curve {curve.Oid?.FriendlyName ?? "?"}; ES256 needs P-256");
    }
}
