namespace Firmware.Protocol.Serial;

/// <summary>Why a received frame was dropped. Bad frames are counted (<see cref="LinkStats"/>), never thrown.</summary>
public enum FrameError
{
    None,
    /// <summary>More bytes than the largest frame before a delimiter.</summary>
    Overlong,
    /// <summary>Not a valid COBS block.</summary>
    BadEncoding,
    /// <summary>Shorter than kind + sequence + CRC.</summary>
    Truncated,
    /// <summary>The CRC-32 does not match the bytes.</summary>
    BadCrc,
    /// <summary>A kind this protocol version does not define.</summary>
    UnknownKind,
}
