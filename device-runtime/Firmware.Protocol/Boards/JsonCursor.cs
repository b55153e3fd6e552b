using System.Text.Json;

namespace Firmware.Protocol.Boards;

/// <summary>
/// A JSON value with the path that led to it, so every validation error names the file and the field
/// (e.g. "boards/x/board.json: hooks[0].arguments[1].type: ...").
/// </summary>
internal readonly struct JsonCursor(string file, string path, JsonElement element)
{
    public JsonElement Element => element;
    public string Path => path;

    public BoardFormatException Error(string message) =>
        new($"{file}: {(path.Length == 0 ? "" : path + ": ")}{message}");

    public JsonCursor Required(string name)
    {
        var cursor = Optional(name);
        return cursor ?? throw Error($"missing field '{name}'");
    }

    public JsonCursor? Optional(string name)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Error("expected an object");
        return element.TryGetProperty(name, out var value) ? new JsonCursor(file, Join(name), value) : null;
    }

    public string String(int maxLength = 256)
    {
        if (element.ValueKind != JsonValueKind.String) throw Error("expected a string");
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // JsonDocument validates structure, not the UTF-8 or \u escapes inside strings.
            throw Error("not a valid UTF-8 string");
        }
        if (value.Length == 0 || value.Length > maxLength) throw Error($"expected 1 to {maxLength} characters");
        return value;
    }

    /// <summary>A C identifier: hook, argument and helper names become C names in fwpatch.h.</summary>
    public string Identifier()
    {
        string value = String(64);
        bool valid = (char.IsAsciiLetter(value[0]) || value[0] == '_') && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return valid ? value : throw Error($"'{value}' is not a C identifier");
    }

    public long Integer(long min, long max)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value)) throw Error("expected an integer");
        return value >= min && value <= max ? value : throw Error($"{value} is outside {min}..{max}");
    }

    public T OneOf<T>(IReadOnlyDictionary<string, T> choices)
    {
        string value = String();
        return choices.TryGetValue(value, out var choice)
            ? choice
            : throw Error($"'{value}' is not one of {string.Join(", ", choices.Keys)}");
    }

    public IEnumerable<JsonCursor> Items()
    {
        if (element.ValueKind != JsonValueKind.Array) throw Error("expected an array");
        int index = 0;
        foreach (var item in element.EnumerateArray())
            yield return new JsonCursor(file, $"{path}[{index++}]", item);
    }

    private string Join(string name) => path.Length == 0 ? name : $"{path}.{name}";
}
