using System.Text.RegularExpressions;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Text;

/// <summary>
/// eBPF assembly to instruction slots. Each line is in either syntax, told apart by its shape:
/// the bpf_conformance/uBPF one (<c>add32 %r0, 1</c>, see <see cref="UbpfSyntax"/>) or LLVM's pseudo-C
/// one (<c>w0 += 1</c>, see <see cref="LlvmSyntax"/>). A line may start with <c>label:</c> or with the
/// slot number the disassembler prints (<c>12:</c>); <c>#</c>, <c>;</c> and <c>//</c> start comments.
/// Jumps and local calls take a signed slot distance or a label; as in bpf_conformance, the label
/// <c>exit</c>, unless defined, is the first exit instruction.
/// </summary>
public static partial class Assembler
{
    /// <summary>Assembles program text; throws <see cref="ProgramFormatException"/> with "line N: reason" on bad input.</summary>
    public static Instruction[] Assemble(string text)
    {
        var slots = new List<Instruction>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var fixups = new List<(int Slot, string Label, int Line)>();
        int? firstExit = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            try
            {
                string line = WithoutLabel(WithoutComment(lines[i]).Trim(), labels, slots.Count);
                if (line.Length == 0) continue;
                if (line.StartsWith('.') || line.StartsWith("--", StringComparison.Ordinal))
                    throw new SyntaxError($"unknown directive '{line}'");
                var encoded = LlvmSyntax.Claims(line) ? LlvmSyntax.Parse(line) : UbpfSyntax.Parse(line);
                if (encoded.Label is not null) fixups.Add((slots.Count, encoded.Label, i + 1));
                if (encoded.Insn.Opcode == Opcode.Exit) firstExit ??= slots.Count;
                slots.Add(encoded.Insn);
                if (encoded.Next is { } next) slots.Add(next);
            }
            catch (SyntaxError e)
            {
                throw new ProgramFormatException($"line {i + 1}: {e.Message}");
            }
        }
        foreach (var (slot, label, line) in fixups)
        {
            int target = labels.TryGetValue(label, out int defined) ? defined
                : label == "exit" && firstExit is { } exit ? exit
                : throw new ProgramFormatException($"line {line}: unknown label '{label}'");
            try
            {
                slots[slot] = JumpField.WithDistance(slots[slot], target - (slot + 1));
            }
            catch (SyntaxError e)
            {
                throw new ProgramFormatException($"line {line}: {e.Message}");
            }
        }
        return [.. slots];
    }

    private static string WithoutComment(string line)
    {
        int cut = line.IndexOfAny(['#', ';']);
        int slashes = line.IndexOf("//", StringComparison.Ordinal);
        if (slashes >= 0 && (cut < 0 || slashes < cut)) cut = slashes;
        return cut < 0 ? line : line[..cut];
    }

    [GeneratedRegex(@"^(?:(?<label>[A-Za-z_.][\w.]*)|\d+)\s*:")]
    private static partial Regex LabelPrefix();

    /// <summary>Records a leading label at <paramref name="slot"/>, drops a leading slot number, and returns the rest.</summary>
    private static string WithoutLabel(string line, Dictionary<string, int> labels, int slot)
    {
        var match = LabelPrefix().Match(line);
        if (!match.Success) return line;
        string label = match.Groups["label"].Value;
        if (label.Length > 0 && !labels.TryAdd(label, slot)) throw new SyntaxError($"duplicate label '{label}'");
        return line[match.Length..].TrimStart();
    }
}
