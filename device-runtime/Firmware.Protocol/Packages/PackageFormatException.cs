namespace Firmware.Protocol.Packages;

/// <summary>
/// Malformed package content. Only thrown inside this namespace's decoders and the writer's argument
/// checks; the reader turns it into <see cref="PackageError.Structure"/>.
/// </summary>
public sealed class PackageFormatException(string message) : Exception(message);
