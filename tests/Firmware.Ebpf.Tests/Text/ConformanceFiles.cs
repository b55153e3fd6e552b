using System.Buffers.Binary;
using System.Globalization;

namespace Firmware.Ebpf.Tests.Text;

/// <summary>
/// Sections of bpf_conformance `.data` files. Only the runner's own directives start a section, so an
/// unknown `-- something` line stays in the asm text, where the assembler must reject it.
/// </summary>
internal static class ConformanceFiles
{
    private static readonly string[] Directives = ["asm", "raw", "result", "mem", "error", "c", "no register offset"];

    public static Dictionary<string, string> Sections(string path)
    {
        var sections = new Dictionary<string, string>();
        string? current = null;
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.StartsWith("-- ", StringComparison.Ordinal) && Directives.Contains(line[3..].Trim()))
            {
                current = line[3..].Trim();
                sections[current] = "";
            }
            else if (current is not null)
                sections[current] += line + "\n";
        }
        return sections;
    }

    /// <summary>
    /// A `-- raw` section: one `0x...` little-endian 64-bit value a line (0x5566778800000018 is the slot
    /// 18 00 00 00 88 77 66 55), or eight hex bytes a line.
    /// </summary>
    public static byte[] Raw(string section)
    {
        var bytes = new List<byte>();
        foreach (string line in section.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                var slot = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(slot, ulong.Parse(line[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                bytes.AddRange(slot);
            }
            else
                bytes.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }
        return [.. bytes];
    }

    /// <summary>File names matching <paramref name="pattern"/>, never none: missing test data fails loudly.</summary>
    public static string[] Names(string directory, string pattern)
    {
        string[] files = [.. Directory.GetFiles(directory, pattern).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(files);
        return files;
    }
}
