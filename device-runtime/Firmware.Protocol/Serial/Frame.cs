namespace Firmware.Protocol.Serial;

/// <summary>One unit on the wire: a message kind, the sequence number that pairs a reply with its request, a payload.</summary>
public readonly record struct Frame(MessageKind Kind, ushort Sequence, ReadOnlyMemory<byte> Payload);
