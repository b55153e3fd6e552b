namespace Firmware.Protocol.Serial;

/// <summary>A frame with a good CRC whose payload does not fit its kind's layout; the link drops and counts it.</summary>
public sealed class MessageFormatException(string message) : Exception(message);
