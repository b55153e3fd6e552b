namespace Firmware.Protocol.Serial;

/// <summary>
/// The first byte of a frame. The host sends requests (high bit clear); the device answers each with a
/// reply (high bit set) that echoes the request's sequence number. docs/serial-protocol.md has the payloads.
/// </summary>
public enum MessageKind : byte
{
    Hello = 0x01,
    Begin = 0x02,
    Data = 0x03,
    Commit = 0x04,
    Query = 0x05,
    ReadCounters = 0x06,
    ReadContainer = 0x07,
    Identify = 0x81,
    Ack = 0x82,
    Status = 0x83,
    Counters = 0x84,
    ContainerEntry = 0x85,
}

public static class MessageKinds
{
    public static bool IsKnown(byte kind) => Enum.IsDefined((MessageKind)kind);
}
