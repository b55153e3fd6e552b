namespace Firmware.Protocol.Packages;

/// <summary>COSE algorithm numbers (RFC 9053) the format knows. EdDSA is reserved for an Ed25519 signer.</summary>
public static class CoseAlgorithm
{
    public const int ES256 = -7;
    public const int EdDSA = -8;
}
