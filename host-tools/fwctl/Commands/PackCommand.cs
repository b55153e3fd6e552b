using System.CommandLine;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Containers;
using Firmware.Protocol.Packages;
using Firmware.Tools;
using Firmware.Tools.Packaging;

namespace Fwctl.Commands;

/// <summary>`fwctl pack PROGRAM --board B --hook H --kind K --seq N --key NAME.key -o OUT.fwp`: verifies, then signs.</summary>
public static class PackCommand
{
    public static Command Create()
    {
        var program = CommonOptions.Program();
        var section = CommonOptions.Section();
        var board = BoardOptions.Board();
        board.Required = true;
        var hook = new Option<string>("--hook") { HelpName = "H", Description = "Hook the patch attaches to (a container's triggers come from its section names)", DefaultValueFactory = _ => "" };
        var kind = new Option<string>("--kind") { HelpName = "K", Description = "filter, replace, observe or container", Required = true }
            .AcceptOnlyFromAmong([.. Enum.GetValues<PatchKind>().Select(k => k.Name())]);
        var sequence = new Option<ulong>("--seq") { HelpName = "N", Description = "Sequence number; a device only installs one above the last it installed for the hook", Required = true };
        var key = new Option<string>("--key") { HelpName = "NAME.key", Description = "Private key from fwctl keygen", Required = true };
        var output = new Option<string>("-o", "--output") { HelpName = "OUT.fwp", Description = "Package file to write", Required = true };
        var buildId = new Option<string?>("--build-id") { HelpName = "HEX", Description = "Firmware build the patch is for (GNU build-id or SHA-256 of the image); without it the package applies to any build" };
        var description = new Option<string>("--description") { HelpName = "TEXT", Description = "Human description", DefaultValueFactory = _ => "" };
        var boardsDir = BoardOptions.BoardsDirectory();
        var defaults = ContainerLimits.Default;
        var name = new Option<string?>("--name") { HelpName = "NAME", Description = "Container: its name on the device (default: the file name); a package with the same name updates it" };
        var budget = new Option<long>("--budget") { HelpName = "N", Description = $"Container: instructions per run (default {defaults.Budget})", DefaultValueFactory = _ => defaults.Budget };
        var runs = new Option<uint>("--runs-per-second") { HelpName = "N", Description = $"Container: runs per second over all its programs, 0 for no limit (default {defaults.RunsPerSecond})", DefaultValueFactory = _ => defaults.RunsPerSecond };
        var publishes = new Option<uint>("--publishes-per-second") { HelpName = "N", Description = $"Container: fw_publish messages per second (default {defaults.PublishesPerSecond})", DefaultValueFactory = _ => defaults.PublishesPerSecond };
        var command = new Command("pack", "Verifies a program for a board's hook (or every program of a container for its trigger), then writes a signed package")
        {
            program, section, board, hook, kind, sequence, key, output, buildId, description, boardsDir, name, budget, runs, publishes,
        };
        command.SetAction(parse => BoardOptions.Guard(() =>
        {
            string programPath = parse.GetValue(program)!;
            var patchKind = PatchKinds.Parse(parse.GetValue(kind)!)!.Value;
            if (patchKind != PatchKind.Container && parse.GetValue(hook)!.Length == 0) throw new UsageException("--hook is required (except for --kind container)");
            var target = new PackageTarget(
                Board: BoardCatalog.Locate(parse.GetValue(boardsDir)).Load(parse.GetValue(board)!),
                Hook: parse.GetValue(hook)!,
                Kind: patchKind,
                Sequence: parse.GetValue(sequence),
                FirmwareBuildId: parse.GetValue(buildId) is string hex ? BuildIds.Parse(hex) : [],
                Description: parse.GetValue(description)!);
            using var signingKey = KeyFiles.LoadPrivate(parse.GetValue(key)!);
            var result = patchKind == PatchKind.Container
                ? ContainerBuilder.Pack(ProgramFile.LoadAll(programPath), target, parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(programPath),
                    new ContainerLimits(parse.GetValue(budget), parse.GetValue(runs), parse.GetValue(publishes)), signingKey)
                : PackageBuilder.Pack(ProgramFile.Load(programPath, parse.GetValue(section)), target, signingKey);
            if (result.Package is null)
            {
                foreach (var error in result.Rejections) Console.Error.WriteLine(error.Format(programPath));
                Console.Error.WriteLine($"fwctl: {programPath}: rejected by the verifier for {target.Board.Name}/{(patchKind == PatchKind.Container ? "container" : target.Hook)}; no package written");
                return Cli.No;
            }
            string outputPath = parse.GetValue(output)!;
            try
            {
                File.WriteAllBytes(outputPath, result.Package);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{outputPath}: cannot write: {e.Message}");
            }
            if (target.FirmwareBuildId.Length == 0)
                Console.Error.WriteLine("fwctl: note: no --build-id, so the package applies to any firmware build of the board");
            string what = patchKind == PatchKind.Container ? "container" : $"{target.Hook} {target.Kind.Name()}";
            Console.Out.WriteLine($"wrote {outputPath} ({result.Package.Length} bytes): {target.Board.Name}/{what} seq {target.Sequence}, verified");
            return Cli.Ok;
        }));
        return command;
    }
}
