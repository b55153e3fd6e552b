using Firmware.Verifier.Boards;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Tools;
using Firmware.Tools.Packaging;
using Firmware.Verifier;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl verify PROGRAM`: static verification. Default hook: r1 = a read/write buffer of --mem-size
/// bytes, r2 = its size; with --board/--hook, that hook's context, arguments and helpers.
/// Exit 0 accepted, 1 rejected (diagnostics on stdout), 2 bad input.
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var program = CommonOptions.Program();
        var section = CommonOptions.Section();
        var memSize = new Option<int>("--mem-size") { HelpName = "N", Description = "Size of the buffer r1 points to (r2 = N) when no board is given", DefaultValueFactory = _ => 0 };
        var board = BoardOptions.Board();
        var hook = new Option<string?>("--hook") { HelpName = "H", Description = "Hook of --board whose context, arguments and helpers apply" };
        var boardsDir = BoardOptions.BoardsDirectory();
        var json = CommonOptions.Json();
        var command = new Command("verify", "Proves a program memory-safe and terminating, or says why not") { program, section, memSize, board, hook, boardsDir, json };
        command.SetAction(parse => BoardOptions.Guard(() =>
        {
            string path = parse.GetValue(program)!;
            var options = Options(parse.GetValue(memSize), parse.GetValue(board), parse.GetValue(hook), parse.GetValue(boardsDir));
            var loaded = ProgramFile.Load(path, parse.GetValue(section));
            long start = Stopwatch.GetTimestamp();
            var result = Verifier.Verify(loaded, options);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            string file = Path.GetFileName(path);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    accepted = result.Accepted,
                    instructions = loaded.Instructions.Length,
                    instructions_visited = result.InstructionsVisited,
                    verify_ms = Math.Round(ms, 3),
                    errors = result.Errors.Select(e => new
                    {
                        instruction = e.Instruction,
                        file = e.Line?.File,
                        line = e.Line?.Line,
                        message = e.Message,
                        state = e.State,
                        text = e.Format(file),
                    }),
                }));
            else if (result.Accepted)
                Console.WriteLine($"{file}: accepted ({loaded.Instructions.Length} instructions, {result.InstructionsVisited} visited, {ms:F1} ms)");
            else
                foreach (var error in result.Errors)
                    Console.WriteLine(error.Format(file));
            return result.Accepted ? Cli.Ok : Cli.No;
        }));
        return command;
    }

    private static VerifierOptions Options(int memSize, string? board, string? hook, string? boardsDir)
    {
        if (memSize < 0) throw new UsageException("--mem-size must not be negative");
        if (board is null && hook is null) return VerifierOptions.ForBuffer(memSize);
        if (board is null || hook is null) throw new UsageException("--board and --hook go together");
        var definition = BoardCatalog.Locate(boardsDir).Load(board);
        var hookDefinition = definition.FindHook(hook)
            ?? throw new UsageException($"board '{definition.Name}' has no hook '{hook}' (hooks: {string.Join(", ", definition.Hooks.Select(h => h.Name))})");
        return HookVerification.Options(definition, hookDefinition);
    }
}
