namespace Firmware.Protocol.Packages;

/// <summary>Why a package was refused, one value per check, in the order the reader performs them.</summary>
public enum PackageError
{
    None,
    /// <summary>Not a well-formed package: bad CBOR, wrong shape, sizes out of bounds, unknown format version.</summary>
    Structure,
    /// <summary>No trusted key with the package's key id, an unsupported algorithm, or a signature that does not verify.</summary>
    Signature,
    /// <summary>Built for another board.</summary>
    Board,
    /// <summary>Built for another firmware build.</summary>
    FirmwareBuild,
    /// <summary>Sequence number not above the last one installed for the hook (anti-rollback).</summary>
    Sequence,
    /// <summary>The program is not the one the manifest names (size or SHA-256).</summary>
    Digest,
}
