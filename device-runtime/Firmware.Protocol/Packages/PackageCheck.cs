namespace Firmware.Protocol.Packages;

/// <summary>The reader's answer: <see cref="Package"/> when <see cref="Error"/> is None, else a message for people.</summary>
public sealed record PackageCheck(PackageError Error, string Message, Package? Package)
{
    public bool Ok => Error == PackageError.None;

    public static PackageCheck Fail(PackageError error, string message) => new(error, message, null);
}
