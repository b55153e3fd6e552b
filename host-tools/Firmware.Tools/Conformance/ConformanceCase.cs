using System.Globalization;
using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Conformance;

/// <summary>
/// One bpf_conformance `.data` file: sections introduced by the runner's directives (`-- asm`, `-- raw`,
/// `-- mem`, `-- result`, `-- error`, ...), `#` comments. Any other `-- ...` line is program text, where
/// the assembler must reject it (negative/invalid_unknown_directive). The program comes from `raw`
/// when present (exact bytes), else from `asm`.
/// </summary>
public sealed record ConformanceCase(string Name, string? Asm, byte[]? Raw, byte[] Memory, ulong? Result, string? Error)
{
    private static readonly string[] Directives = ["asm", "raw", "result", "mem", "error", "c", "no register offset"];

    public static ConformanceCase Load(string path) => Parse(Path.GetFileName(path), File.ReadAllText(path));

    public static ConformanceCase Parse(string name, string text)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var rawLine in text.Split('\n'))
        {
            string line = rawLine.TrimEnd('\r');
            if (line.StartsWith("-- ", StringComparison.Ordinal) && Directives.Contains(line[3..].Trim()))
            {
                current = [];
                sections[line[3..].Trim()] = current;
            }
            else if (current is not null && !line.TrimStart().StartsWith('#'))
                current.Add(line);
        }
        string? asm = sections.TryGetValue("asm", out var a) ? string.Join('\n', a) : null;
        byte[]? raw = sections.TryGetValue("raw", out var r) ? ParseRaw(r) : null;
        byte[] memory = sections.TryGetValue("mem", out var m) ? ParseHexBytes(string.Join(' ', m)) : [];
        ulong? result = sections.TryGetValue("result", out var res) && res.FirstOrDefault(l => l.Trim().Length > 0) is { } value
            ? ParseNumber(value.Trim())
            : null;
        string? error = sections.TryGetValue("error", out var e) ? string.Join('\n', e).Trim() : null;
        if (asm is null && raw is null) throw new ProgramFormatException($"{name}: no asm or raw section");
        return new ConformanceCase(name, asm, raw, memory, result, error);
    }

    /// <summary>
    /// Raw programs come two ways: one little-endian 64-bit value per line (`0x5566778800000018` is
    /// the slot whose bytes are 18 00 00 00 88 77 66 55) or eight hex bytes per line.
    /// </summary>
    private static byte[] ParseRaw(List<string> lines)
    {
        var bytes = new List<byte>();
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !line.Contains(' '))
                bytes.AddRange(BitConverter.GetBytes(ulong.Parse(line[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            else
                bytes.AddRange(ParseHexBytes(line));
        }
        return [.. bytes];
    }

    public static byte[] ParseHexBytes(string text) =>
        [.. text.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    private static ulong ParseNumber(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : ulong.Parse(text, CultureInfo.InvariantCulture);
}
