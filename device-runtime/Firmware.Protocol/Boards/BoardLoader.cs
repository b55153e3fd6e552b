using System.Text.Json;
using Firmware.Ebpf.Memory;

namespace Firmware.Protocol.Boards;

/// <summary>
/// Reads and validates boards/NAME/board.json (schema in docs/boards.md). Every problem is a
/// <see cref="BoardFormatException"/> naming the file and the field; nothing else escapes.
/// </summary>
public static class BoardLoader
{
    /// <summary>board.json files are small; a larger one is a mistake, not a board.</summary>
    public const int MaxFileBytes = 1 << 20;

    private static readonly Dictionary<string, Architecture> Architectures = Enum.GetValues<Architecture>()
        .ToDictionary(BoardDefinition.ArchitectureName);

    private static readonly Dictionary<string, EngineKind> Engines = Enum.GetValues<EngineKind>()
        .ToDictionary(BoardDefinition.EngineName);

    private static readonly Dictionary<string, Access> Rights = new()
    {
        ["none"] = Access.None,
        ["read"] = Access.Read,
        ["write"] = Access.Write,
        ["readwrite"] = Access.ReadWrite,
    };

    public static BoardDefinition LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes) throw new BoardFormatException($"{path}: larger than {MaxFileBytes} bytes");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BoardFormatException($"{path}: cannot read: {e.Message}");
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses board.json's bytes; <paramref name="file"/> is only used in error messages.</summary>
    public static BoardDefinition Parse(ReadOnlySpan<byte> json, string file)
    {
        if (json.Length > MaxFileBytes) throw new BoardFormatException($"{file}: larger than {MaxFileBytes} bytes");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new BoardFormatException($"{file}: not valid JSON: {e.Message}");
        }
        using (document)
            return Board(new JsonCursor(file, "", document.RootElement));
    }

    private static BoardDefinition Board(JsonCursor root)
    {
        var hooks = root.Required("hooks").Items().Select(Hook).ToList();
        Unique(root.Required("hooks"), hooks.Select(h => h.Name), "hook");
        var helpers = root.Required("helpers").Items().Select(Helper).ToList();
        Unique(root.Required("helpers"), helpers.Select(h => h.Name), "helper");
        Unique(root.Required("helpers"), helpers.Select(h => h.Id.ToString()), "helper id");
        return new BoardDefinition(
            Name: BoardName(root.Required("name")),
            Architecture: root.Required("architecture").OneOf(Architectures),
            Engine: root.Required("engine").OneOf(Engines),
            Firmware: root.Required("firmware").String(),
            Hooks: hooks,
            Helpers: helpers,
            Limits: Limits(root.Required("limits")),
            FirmwareSources: root.Optional("firmware_sources")?.Items().Select(s => s.String(256)).ToList() ?? []);
    }

    private static string BoardName(JsonCursor cursor)
    {
        string name = cursor.String(64);
        return name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? name
            : throw cursor.Error($"'{name}' must use only a-z, 0-9 and '-'");
    }

    private static HookDefinition Hook(JsonCursor hook)
    {
        var arguments = hook.Required("arguments").Items().Select(Argument).ToList();
        if (arguments.Count > HookDefinition.MaxArguments)
            throw hook.Required("arguments").Error($"at most {HookDefinition.MaxArguments} arguments (they arrive in r2..r5)");
        Unique(hook.Required("arguments"), arguments.Select(a => a.Name), "argument");
        var buffers = hook.Optional("buffers")?.Items().Select(b => Buffer(b, arguments)).ToList() ?? [];
        var returns = hook.Required("returns");
        var returnType = ValueTypes.Parse(returns.String());
        if (returnType is null or ValueType.Ptr) throw returns.Error("expected void, u8..u64 or s8..s64");
        return new HookDefinition(hook.Required("name").Identifier(), hook.Required("symbol").Identifier(), arguments, buffers, returnType.Value);
    }

    private static HookArgument Argument(JsonCursor argument)
    {
        var type = argument.Required("type");
        var valueType = ValueTypes.Parse(type.String());
        if (valueType is null or ValueType.Void) throw type.Error("expected u8..u64, s8..s64 or ptr");
        return new HookArgument(argument.Required("name").Identifier(), valueType.Value, argument.Required("access").OneOf(Rights));
    }

    private static HookBuffer Buffer(JsonCursor buffer, IReadOnlyList<HookArgument> arguments)
    {
        var pointer = buffer.Required("pointer");
        string pointerName = pointer.Identifier();
        if (arguments.FirstOrDefault(a => a.Name == pointerName) is not { Type: ValueType.Ptr })
            throw pointer.Error($"'{pointerName}' is not a ptr argument of this hook");
        var length = buffer.Required("length");
        string lengthName = length.Identifier();
        if (arguments.FirstOrDefault(a => a.Name == lengthName) is not { Access: not Access.None } lengthArgument || !lengthArgument.Type.IsInteger())
            throw length.Error($"'{lengthName}' is not a readable integer argument of this hook");
        var access = buffer.Required("access");
        var rights = access.OneOf(Rights);
        return rights == Access.None ? throw access.Error("a buffer must be readable or writable") : new HookBuffer(pointerName, lengthName, rights);
    }

    /// <summary>A standard helper by name, or a board helper as {name, id, returns, parameters}.</summary>
    private static BoardHelper Helper(JsonCursor helper)
    {
        if (helper.Element.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            string name = helper.String();
            return BoardHelper.Standard.FirstOrDefault(h => h.Name == name)
                ?? throw helper.Error($"'{name}' is not a standard helper ({string.Join(", ", BoardHelper.Standard.Select(h => h.Name))}); describe board helpers as objects");
        }
        return new BoardHelper(
            (int)helper.Required("id").Integer(BoardHelper.FirstBoardId, int.MaxValue),
            helper.Required("name").Identifier(),
            CText(helper.Required("returns")),
            CText(helper.Required("parameters")));
    }

    /// <summary>Prototype text goes verbatim into a C header: keep it to what a prototype can contain.</summary>
    private static string CText(JsonCursor cursor)
    {
        string text = cursor.String(200);
        return text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ' ' or '*' or ',' or '.')
            ? text
            : throw cursor.Error($"'{text}' is not a C type or parameter list");
    }

    private static BoardLimits Limits(JsonCursor limits) => new(
        StackBytes: (int)limits.Required("stack").Integer(64, 1 << 16),
        InstructionBudget: limits.Required("instructions").Integer(1, long.MaxValue),
        MaxProgramInstructions: (int)limits.Required("program_size").Integer(1, 1 << 20),
        MapMemoryBytes: limits.Required("map_memory").Integer(0, long.MaxValue),
        FaultThreshold: (int)(limits.Optional("fault_threshold")?.Integer(1, 1_000_000) ?? BoardLimits.DefaultFaultThreshold));

    private static void Unique(JsonCursor list, IEnumerable<string> names, string what)
    {
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw list.Error($"{what} '{duplicate.Key}' appears twice");
    }
}
