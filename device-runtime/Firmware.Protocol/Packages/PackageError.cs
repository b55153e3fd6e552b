using Firmware.Ebpf.Programs;

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

/// <summary>A package that passed every check the reader was asked to make.</summary>
public sealed record Package(PackageManifest Manifest, byte[] Program, byte[] KeyId, int Algorithm)
{
    /// <summary>
    /// The program with its maps, ready for the device's own verification. Signed bytecode can still be
    /// malformed (a buggy packer): that is a <see cref="ProgramFormatException"/>.
    /// </summary>
    public EbpfProgram LoadProgram() =>
        new(Manifest.ProgramName, EbpfProgram.FromBytecode(Manifest.ProgramName, Program).Instructions, Manifest.Maps);
}

/// <summary>The reader's answer: <see cref="Package"/> when <see cref="Error"/> is None, else a message for people.</summary>
public sealed record PackageCheck(PackageError Error, string Message, Package? Package)
{
    public bool Ok => Error == PackageError.None;

    public static PackageCheck Fail(PackageError error, string message) => new(error, message, null);
}
