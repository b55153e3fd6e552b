using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Packages;
using Firmware.Tools.Packaging;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl inspect PACKAGE [--pub NAME.pub] [--json]`: reads a package with the device's reader. Without
/// --pub the signature is not checked (the output says so); with it, an invalid signature exits 1.
/// </summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var package = new Argument<string>("PACKAGE") { Description = "A package from fwctl pack (.fwp)" };
        var publicKey = new Option<string?>("--pub") { HelpName = "NAME.pub", Description = "Public key to check the signature with" };
        var json = CommonOptions.Json();
        var command = new Command("inspect", "Shows a package's manifest; with --pub checks its signature") { package, publicKey, json };
        command.SetAction(parse => BoardOptions.Guard(() =>
        {
            string path = parse.GetValue(package)!;
            var trusted = parse.GetValue(publicKey) is string pub ? new[] { KeyFiles.LoadPublic(pub) } : null;
            byte[] bytes = PackageFile.Read(path);
            var check = PackageReader.Check(bytes, new PackagePolicy(trusted));
            if (check.Error == PackageError.Structure) throw new ProgramFormatException($"{path}: {check.Message}");
            if (!check.Ok)
            {
                if (parse.GetValue(json))
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { valid = false, error = check.Error.ToString().ToLowerInvariant(), message = check.Message }));
                Console.Error.WriteLine($"fwctl: {path}: {check.Message}");
                return Cli.No;
            }
            var p = check.Package!;
            bool? signatureValid = trusted is null ? null : true;
            if (parse.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { valid = signatureValid, size = bytes.Length, manifest = Describe(p) }));
            else
                Print(path, bytes.Length, p, signatureValid);
            return Cli.Ok;
        }));
        return command;
    }

    private static object Describe(Package p)
    {
        var m = p.Manifest;
        return new
        {
            format = PackageManifest.FormatVersion,
            sequence = m.Sequence,
            board = m.Board,
            firmware_build_id = Convert.ToHexStringLower(m.FirmwareBuildId),
            hook = m.Hook,
            kind = m.Kind.Name(),
            program = new { name = m.ProgramName, size = m.ProgramSize, sha256 = Convert.ToHexStringLower(m.ProgramDigest) },
            maps = m.Maps.Select(map => new { name = map.Name, type = map.Type.ToString(), key_size = map.KeySize, value_size = map.ValueSize, max_entries = map.MaxEntries, read_only = map.ReadOnly }),
            helpers = m.Helpers,
            container = m.Container is not { } c ? null : new
            {
                name = c.Name,
                programs = c.Programs.Select(program => new { trigger = program.Name, first_instruction = program.FirstInstruction, instructions = program.InstructionCount }),
                limits = new { budget = c.Limits.Budget, runs_per_second = c.Limits.RunsPerSecond, publishes_per_second = c.Limits.PublishesPerSecond },
            },
            native = p.Native is not { } n ? null : new { target = n.Target, size = n.Code.Length, relocations = n.Relocations.Count, stack_bytes = n.StackBytes, sha256 = Convert.ToHexStringLower(m.NativeDigest!) },
            verifier = m.Verdict.Name(),
            description = m.Description,
            key_id = Convert.ToHexStringLower(p.KeyId),
            algorithm = p.Algorithm,
        };
    }

    private static void Print(string path, int size, Package p, bool? signatureValid)
    {
        var m = p.Manifest;
        var o = Console.Out;
        o.WriteLine($"package      {path} ({size} bytes, format {PackageManifest.FormatVersion})");
        o.WriteLine($"board        {m.Board}");
        o.WriteLine($"firmware     {(m.AppliesToAnyBuild ? "any build" : Convert.ToHexStringLower(m.FirmwareBuildId))}");
        o.WriteLine($"hook         {m.Hook}");
        o.WriteLine($"kind         {m.Kind.Name()}");
        o.WriteLine($"sequence     {m.Sequence}");
        o.WriteLine($"program      {m.ProgramName}, {m.ProgramSize / 8} instruction slots, sha256 {Convert.ToHexStringLower(m.ProgramDigest)}");
        foreach (var map in m.Maps)
            o.WriteLine($"map          {map.Name}: {map.Type}, key {map.KeySize}, value {map.ValueSize}, {map.MaxEntries} entries{(map.ReadOnly ? ", read-only" : "")}");
        o.WriteLine($"helpers      {(m.Helpers.Count == 0 ? "none" : string.Join(", ", m.Helpers))}");
        if (m.Container is { } container)
        {
            o.WriteLine($"container    {container.Name}: budget {container.Limits.Budget} instructions per run, runs per second {Limit(container.Limits.RunsPerSecond)}, publishes per second {Limit(container.Limits.PublishesPerSecond)}");
            foreach (var program in container.Programs)
                o.WriteLine($"  program    {program.Name} (instructions {program.FirstInstruction}..{program.FirstInstruction + program.InstructionCount - 1})");
        }
        if (p.Native is { } native)
            o.WriteLine($"native code  {native.Target}, {native.Code.Length} bytes, {native.Relocations.Count} relocations, {native.StackBytes} bytes of stack, sha256 {Convert.ToHexStringLower(m.NativeDigest!)}");
        o.WriteLine($"verifier     {m.Verdict.Name()}");
        o.WriteLine($"description  {m.Description}");
        o.WriteLine($"signed by    key {Convert.ToHexStringLower(p.KeyId)} ({(p.Algorithm == CoseAlgorithm.ES256 ? "ES256" : p.Algorithm.ToString())})");
        o.WriteLine($"signature    {(signatureValid is null ? "not checked (pass --pub NAME.pub)" : "valid")}");
    }

    private static string Limit(uint perSecond) => perSecond == 0 ? "unlimited" : perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
