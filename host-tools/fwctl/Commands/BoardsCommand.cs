using System.CommandLine;
using System.Text.Json;
using Firmware.Protocol.Boards;

namespace Fwctl.Commands;

/// <summary>`fwctl boards [--json] [--header]`: the boards with their architecture, engine, hooks and examples; or the generated fwpatch.h.</summary>
public static class BoardsCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var header = new Option<bool>("--header") { Description = "Print boards/include/fwpatch.h as generated from the board definitions" };
        var boardsDir = BoardOptions.BoardsDirectory();
        var command = new Command("boards", "Lists the boards with their architecture, engine, hooks and examples") { json, header, boardsDir };
        command.SetAction(parse => BoardOptions.Guard(() =>
        {
            var catalog = BoardCatalog.Locate(parse.GetValue(boardsDir));
            var boards = catalog.LoadAll();
            if (parse.GetValue(header))
                Console.Out.Write(PatchHeader.Generate(boards));
            else if (parse.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { boards = boards.Select(b => Describe(catalog, b)) }));
            else
                foreach (var board in boards) Print(catalog, board);
            return Cli.Ok;
        }));
        return command;
    }

    private static object Describe(BoardCatalog catalog, BoardDefinition board) => new
    {
        name = board.Name,
        architecture = BoardDefinition.ArchitectureName(board.Architecture),
        engine = BoardDefinition.EngineName(board.Engine),
        firmware = board.Firmware,
        hooks = board.Hooks.Select(h => new
        {
            name = h.Name,
            symbol = h.Symbol,
            returns = h.Returns.Name(),
            arguments = h.Arguments.Select(a => new { name = a.Name, type = a.Type.Name() }),
            context = new { size = h.Context.Size, fields = h.Context.Fields.Select(f => new { name = f.Name, offset = f.Offset, size = f.Size, access = f.Access.ToString().ToLowerInvariant() }) },
        }),
        helpers = board.Helpers.Select(h => new { id = h.Id, name = h.Name }),
        limits = new { stack = board.Limits.StackBytes, instructions = board.Limits.InstructionBudget, program_size = board.Limits.MaxProgramInstructions, map_memory = board.Limits.MapMemoryBytes },
        examples = catalog.Examples(board.Name).Select(e => Path.GetRelativePath(catalog.Directory, e)),
    };

    private static void Print(BoardCatalog catalog, BoardDefinition board)
    {
        Console.Out.WriteLine($"{board.Name}  {BoardDefinition.ArchitectureName(board.Architecture)}  engine {BoardDefinition.EngineName(board.Engine)}  {board.Firmware}");
        foreach (var hook in board.Hooks)
            Console.Out.WriteLine($"  hook {hook.Name}: {hook.Returns.Name()} {hook.Symbol}({string.Join(", ", hook.Arguments.Select(a => $"{a.Type.Name()} {a.Name}"))})");
        foreach (string example in catalog.Examples(board.Name))
            Console.Out.WriteLine($"  example {Path.GetRelativePath(catalog.Directory, example)}");
    }
}
