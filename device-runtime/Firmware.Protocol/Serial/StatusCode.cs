namespace Firmware.Protocol.Serial;

/// <summary>The code in a Status reply. Applied, Rejected and DigestMismatch end an upload; the others answer one request.</summary>
public enum StatusCode : byte
{
    /// <summary>The device's handler installed the package.</summary>
    Applied = 0,
    /// <summary>The device's handler refused the package; the reason says why.</summary>
    Rejected = 1,
    /// <summary>The device has no upload with this id (it restarted, or another upload replaced it).</summary>
    UnknownUpload = 2,
    /// <summary>Commit before every byte arrived.</summary>
    Incomplete = 3,
    /// <summary>All bytes arrived but their SHA-256 is not the one announced in Begin.</summary>
    DigestMismatch = 4,
    /// <summary>Begin announced more bytes than the device accepts.</summary>
    TooLarge = 5,
    /// <summary>A request the device cannot act on (a Data frame past the announced size, a zero-byte upload).</summary>
    BadRequest = 6,
}
