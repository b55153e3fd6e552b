using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Firmware.Ebpf.Memory;
using Firmware.Protocol.Boards;

namespace Firmware.Protocol.Tests.Boards;

public sealed class BoardLoaderTests
{
    private static readonly BoardCatalog Catalog = new(Path.Combine(RepoPaths.Root, "boards"));

    private static string LinuxJson => File.ReadAllText(Path.Combine(Catalog.Directory, "linux-x64", "board.json"));

    [Fact]
    public void The_repository_boards_load()
    {
        Assert.Equal(["linux-x64", "mps2-an386", "nano", "qemu-aarch64"], Catalog.Names);
        var boards = Catalog.LoadAll();
        Assert.Equal(EngineKind.Interpreter, boards.Single(b => b.Name == "nano").Engine);
        Assert.Equal(Architecture.Aarch64, boards.Single(b => b.Name == "qemu-aarch64").Architecture);
        Assert.Equal((Architecture.Armv7m, EngineKind.Thumb2), boards.Single(b => b.Name == "mps2-an386") is var cortex ? (cortex.Architecture, cortex.Engine) : default);
        Assert.Contains(boards.Single(b => b.Name == "nano").Helpers, h => h.Id >= BoardHelper.FirstBoardId);
    }

    [Fact]
    public void Parse_packet_context_has_its_fields_with_rights_and_a_readable_buffer()
    {
        var hook = Catalog.Load("linux-x64").FindHook("parse_packet")!;
        var context = hook.Context;
        Assert.Equal(16, context.Size);
        Assert.Equal(new ContextField("pkt", 0, 8, Access.None), context.Fields[0]);
        Assert.Equal(new ContextField("len", 8, 4, Access.Read), context.Fields[1]);
        Assert.False(context.Allows(8, 4, Access.Write));
        Assert.Equal(new HookBuffer("pkt", "len", Access.Read), Assert.Single(hook.Buffers));
        Assert.Equal(Firmware.Protocol.Boards.ValueType.S32, hook.Returns);
    }

    [Theory]
    [InlineData("architecture", "\"sparc\"", "architecture: 'sparc' is not one of x86_64, aarch64, armv7m")]
    [InlineData("engine", "7", "engine: expected a string")]
    [InlineData("limits", "{\"stack\": 512}", "limits: missing field 'instructions'")]
    [InlineData("helpers", "[\"map_lookup_elem\", \"no_such_helper\"]", "helpers[1]: 'no_such_helper' is not a standard helper")]
    [InlineData("name", "\"Linux X\"", "name: 'Linux X' must use only a-z, 0-9 and '-'")]
    public void Errors_name_the_file_and_the_field(string field, string value, string expected)
    {
        var json = JsonNode.Parse(LinuxJson)!.AsObject();
        json[field] = JsonNode.Parse(value);
        var error = Assert.Throws<BoardFormatException>(() => BoardLoader.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "boards/x/board.json"));
        Assert.StartsWith("boards/x/board.json: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Hook_errors_point_into_the_hook()
    {
        var json = JsonNode.Parse(LinuxJson)!.AsObject();
        json["hooks"]![0]!["buffers"]![0]!["length"] = "pkt";
        var error = Assert.Throws<BoardFormatException>(() => BoardLoader.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "b.json"));
        Assert.Equal("b.json: hooks[0].buffers[0].length: 'pkt' is not a readable integer argument of this hook", error.Message);
    }

    [Fact]
    public void Missing_and_mismatched_boards_are_reported()
    {
        Assert.Contains("unknown board 'nope'", Assert.Throws<BoardFormatException>(() => Catalog.Load("nope")).Message);
        Assert.Contains("unknown board", Assert.Throws<BoardFormatException>(() => Catalog.Load("../boards/nano")).Message);
    }

    /// <summary>Whatever a board.json holds, the loader answers with a board or a BoardFormatException.</summary>
    [Fact]
    public void Mutated_board_json_never_escapes_as_another_exception()
    {
        byte[] original = Encoding.UTF8.GetBytes(LinuxJson);
        var mutation = Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte, Gen.Int[0, 2]);
        mutation.Sample(m =>
        {
            var (position, value, how) = m;
            byte[] bytes = how switch
            {
                0 => original[..position],
                1 => Replace(original, position, value),
                _ => [.. original[..position], .. "\"x\",[]{}:0-1e999"u8.ToArray()[(value % 16)..], .. original[position..]],
            };
            try { BoardLoader.Parse(bytes, "fuzz.json"); }
            catch (BoardFormatException) { }
        }, iter: 3000);
    }

    /// <summary>Structural mutations: every field replaced by values of the wrong type or range.</summary>
    [Fact]
    public void Wrongly_typed_fields_are_format_errors()
    {
        string[] values = ["null", "true", "-1", "1e30", "\"\"", "[]", "{}", "[{}]", "\"u128\"", "99999999999999999999"];
        foreach (string path in FieldPaths(JsonNode.Parse(LinuxJson)!, ""))
            foreach (string value in values)
            {
                var json = JsonNode.Parse(LinuxJson)!;
                Set(json, path, JsonNode.Parse(value));
                try { BoardLoader.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "typed.json"); }
                catch (BoardFormatException) { }
            }
    }

    private static byte[] Replace(byte[] bytes, int position, byte value)
    {
        byte[] copy = [.. bytes];
        copy[position] = value;
        return copy;
    }

    private static IEnumerable<string> FieldPaths(JsonNode node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => FieldPaths(p.Value!, path + "/" + p.Key).Prepend(path + "/" + p.Key)),
        JsonArray a => a.SelectMany((item, i) => FieldPaths(item!, path + "/" + i).Prepend(path + "/" + i)),
        _ => [],
    };

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = parts[..^1].Aggregate(root, (node, part) => node is JsonArray a ? a[int.Parse(part)]! : node[part]!);
        if (parent is JsonArray array) array[int.Parse(parts[^1])] = value;
        else parent[parts[^1]] = value;
    }
}
