using System.CommandLine;
using Firmware.Protocol.Boards;
using Firmware.Tools.Boards;

namespace Fwctl.Commands;

/// <summary>`fwctl build SOURCE.c [--board B] [-o OUT.o]`: clang-19 with the patch header; its diagnostics pass through unchanged.</summary>
public static class BuildCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE.c") { Description = "The patch source" };
        var board = BoardOptions.Board();
        var output = new Option<string?>("-o", "--output") { HelpName = "OUT.o", Description = "Object file (default: SOURCE with .o)" };
        var boardsDir = BoardOptions.BoardsDirectory();
        var command = new Command("build", "Compiles a patch with clang-19 (-target bpf -O2 -g -mcpu=v4) and the board's header") { source, board, output, boardsDir };
        command.SetAction(parse => BoardOptions.Guard(() =>
        {
            string sourcePath = parse.GetValue(source)!;
            if (!File.Exists(sourcePath)) throw new UsageException($"{sourcePath}: no such file");
            var catalog = BoardCatalog.Locate(parse.GetValue(boardsDir));
            var definition = parse.GetValue(board) is string name ? catalog.Load(name) : null;
            string outputPath = parse.GetValue(output) ?? Path.ChangeExtension(sourcePath, ".o");
            var result = PatchCompiler.Compile(sourcePath, outputPath, catalog, definition);
            Console.Error.Write(result.Diagnostics);
            // The compiler said no: its diagnostics are the message (exit 1, like any check that fails).
            return result.Succeeded ? Cli.Ok : Cli.No;
        }));
        return command;
    }
}
