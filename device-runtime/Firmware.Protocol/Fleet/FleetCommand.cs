using System.Formats.Cbor;
using Firmware.Protocol.Packages;
using static Firmware.Protocol.Packages.CborFields;

namespace Firmware.Protocol.Fleet;

public enum CommandAction
{
    Install,
    Remove,
    Rollback,
    ContainerStart,
    ContainerStop,
    ContainerRemove,
}

public static class CommandActions
{
    /// <summary>The action as the command's field 3 spells it: install, remove, rollback, container-start, container-stop, container-remove.</summary>
    public static string WireName(this CommandAction action) => action switch
    {
        CommandAction.ContainerStart => "container-start",
        CommandAction.ContainerStop => "container-stop",
        CommandAction.ContainerRemove => "container-remove",
        _ => action.ToString().ToLowerInvariant(),
    };

    public static CommandAction? Parse(string name) =>
        Enum.GetValues<CommandAction>().Cast<CommandAction?>().FirstOrDefault(a => a!.Value.WireName() == name);
}

/// <summary>
/// A command for one device, signed by a key the device trusts (COSE_Sign1 over a canonical CBOR map,
/// the same envelope as packages). <see cref="Id"/> is a random 128-bit nonce: a device acts on each id
/// at most once, so a replayed command is refused. Binding the device id stops a command signed for one
/// device from being replayed to another.
/// <code>
/// {1: id (bstr 16), 2: device (tstr), 3: action, 4: target (tstr), 5: package (bstr, install only)}
/// </code>
/// The target is a hook for remove and rollback, a container's name for container-start, -stop and
/// -remove, and for install the hook the package names (empty for a container package).
/// A bare package is also accepted as an install (a host without a command key: `fwctl push` without
/// --key): the package is signed and carries its own anti-rollback sequence, so it cannot be forged or
/// replayed either; its id is derived from its digest. It is not bound to one device.
/// </summary>
public sealed record FleetCommand(byte[] Id, string Device, CommandAction Action, string Target, byte[]? Package)
{
    public const int IdBytes = 16;

    public static FleetCommand Install(string device, string hook, byte[] package) => new(NewId(), device, CommandAction.Install, hook, package);

    public static FleetCommand Remove(string device, string hook) => new(NewId(), device, CommandAction.Remove, hook, null);

    public static FleetCommand Rollback(string device, string hook) => new(NewId(), device, CommandAction.Rollback, hook, null);

    /// <summary>Starts, stops or removes a container: <paramref name="action"/> is one of the container actions.</summary>
    public static FleetCommand ForContainer(string device, CommandAction action, string container) => new(NewId(), device, action, container, null);

    /// <summary>An install carried by the package alone; its id is the first 16 bytes of the package's SHA-256, the same for every device.</summary>
    public static FleetCommand InstallPackage(string device, string hook, byte[] package) =>
        new(System.Security.Cryptography.SHA256.HashData(package)[..IdBytes], device, CommandAction.Install, hook, package);

    public string IdHex => Convert.ToHexStringLower(Id);

    /// <summary>What goes on the wire: the signed command, or for a bare-package install without a key, the package.</summary>
    public byte[] Encode(SigningKey? key) => key is not null ? Sign(key)
        : Action == CommandAction.Install && Package is not null ? Package
        : throw new InvalidOperationException($"a {Action.WireName()} command must be signed: give a key");

    public byte[] Sign(SigningKey key)
    {
        var payload = new CborWriter(CborConformanceMode.Canonical);
        payload.WriteStartMap(Package is null ? 4 : 5);
        payload.WriteInt32(1); payload.WriteByteString(Id);
        payload.WriteInt32(2); payload.WriteTextString(Device);
        payload.WriteInt32(3); payload.WriteTextString(Action.WireName());
        payload.WriteInt32(4); payload.WriteTextString(Target);
        if (Package is not null) { payload.WriteInt32(5); payload.WriteByteString(Package); }
        payload.WriteEndMap();
        var writer = new CborWriter(CborConformanceMode.Canonical);
        CoseSign1.Write(writer, payload.Encode(), key);
        return writer.Encode();
    }

    /// <summary>
    /// Reads a signed command and checks it is for <paramref name="device"/> and signed by one of
    /// <paramref name="trustedKeys"/>. Never throws for bad input: the reason says what is wrong.
    /// </summary>
    public static CommandCheck Verify(byte[] signed, IReadOnlyList<TrustedKey> trustedKeys, string device)
    {
        if (signed.Length > 0 && signed[0] != CoseTagByte) return VerifyPackage(signed, trustedKeys, device);
        FleetCommand command;
        try
        {
            var reader = new CborReader(signed, CborConformanceMode.Canonical);
            var cose = CoseSign1.Read(reader);
            if (reader.BytesRemaining != 0) return CommandCheck.Refused("command: bytes after the end");
            if (cose.Untrusted(trustedKeys) is { } reason) return CommandCheck.Refused(reason);
            command = Parse(cose.Payload);
        }
        catch (Exception e) when (e is PackageFormatException or CborContentException or InvalidOperationException or FormatException)
        {
            return CommandCheck.Refused($"malformed command: {e.Message}");
        }
        return command.Device == device
            ? new CommandCheck(command, "")
            : CommandCheck.Refused($"command {command.IdHex} is for device '{command.Device}', this is '{device}'");
    }

    /// <summary>CBOR tag 18 (COSE_Sign1) in one byte: a command. A package starts with a map.</summary>
    private const byte CoseTagByte = 0xd2;

    private static CommandCheck VerifyPackage(byte[] package, IReadOnlyList<TrustedKey> trustedKeys, string device)
    {
        var check = PackageReader.Check(package, new PackagePolicy(trustedKeys));
        return check.Ok
            ? new CommandCheck(InstallPackage(device, check.Package!.Manifest.Hook, package), "")
            : CommandCheck.Refused(check.Error == PackageError.Structure ? $"malformed command: {check.Message}" : check.Message);
    }

    private static FleetCommand Parse(byte[] payload)
    {
        var reader = new CborReader(payload, CborConformanceMode.Canonical);
        int entries = StartMap(reader, 5, "command");
        if (entries < 4) throw new PackageFormatException("command: expected 4 or 5 fields");
        Key(reader, 0, "command");
        byte[] id = Bytes(reader, IdBytes, "command id");
        if (id.Length != IdBytes) throw new PackageFormatException($"command id: {IdBytes} bytes expected");
        Key(reader, 1, "command");
        string device = Text(reader, 64, "command device");
        Key(reader, 2, "command");
        string actionName = Text(reader, 16, "command action");
        var action = CommandActions.Parse(actionName) ?? throw new PackageFormatException($"command action: unknown '{actionName}'");
        Key(reader, 3, "command");
        string target = Text(reader, 64, "command target");
        byte[]? package = null;
        if (entries == 5)
        {
            Key(reader, 4, "command");
            package = Bytes(reader, PackageLimits.MaxPackageBytes, "command package");
        }
        reader.ReadEndMap();
        if ((action == CommandAction.Install) != (package is not null))
            throw new PackageFormatException("command: install carries a package, and only install does");
        return new FleetCommand(id, device, action, target, package);
    }

    private static byte[] NewId() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(IdBytes);
}

/// <summary>A verified command, or the reason it was refused.</summary>
public sealed record CommandCheck(FleetCommand? Command, string Reason)
{
    public static CommandCheck Refused(string reason) => new(null, reason);
}
