namespace Firmware.Protocol.Serial;

/// <summary>
/// The connection failed: the port closed or errored, or the other side stopped answering. An uploader
/// reconnects and resumes after one; the message says what happened and where.
/// </summary>
public sealed class LinkException(string message, Exception? inner = null) : IOException(message, inner);
