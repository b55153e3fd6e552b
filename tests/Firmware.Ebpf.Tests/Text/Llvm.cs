using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Tests.Text;

/// <summary>
/// Runs the LLVM 19 tools test.sh installs (clang-19, llvm-mc-19, llvm-objdump-19) to hold the
/// disassembler and assembler to what llvm-objdump really prints.
/// </summary>
internal static partial class Llvm
{
    /// <summary>One line of llvm-objdump -d: slot number, the instruction's bytes, and its text.</summary>
    public sealed record Line(int Slot, byte[] Bytes, string Text);

    /// <summary>Disassembles raw slots by wrapping them in an object with llvm-mc.</summary>
    public static IReadOnlyList<Line> Disassemble(ReadOnlySpan<Instruction> program)
    {
        using var dir = new TempDir();
        var source = new StringWriter();
        source.WriteLine(".text\n.globl f\nf:");
        foreach (var insn in program)
        {
            var slot = new byte[Instruction.Size];
            insn.Write(slot);
            source.WriteLine($".quad 0x{BitConverter.ToUInt64(slot):x16}");
        }
        string input = Path.Combine(dir.Path, "p.s"), obj = Path.Combine(dir.Path, "p.o");
        File.WriteAllText(input, source.ToString());
        Run("llvm-mc-19", "-triple", "bpfel", "-mcpu=v4", "-filetype=obj", input, "-o", obj);
        return Objdump(obj);
    }

    /// <summary>Compiles C with the flags `fwctl build` uses and disassembles the result.</summary>
    public static IReadOnlyList<Line> Compile(string c)
    {
        using var dir = new TempDir();
        string input = Path.Combine(dir.Path, "p.c"), obj = Path.Combine(dir.Path, "p.o");
        File.WriteAllText(input, c);
        Run("clang-19", "-O2", "-g", "-target", "bpf", "-mcpu=v4", "-c", input, "-o", obj);
        return Objdump(obj);
    }

    [GeneratedRegex(@"^\s*(?<slot>\d+):\t(?<bytes>[0-9a-f]{2}(?: [0-9a-f]{2})*)\s*\t(?<text>.*)$")]
    private static partial Regex InstructionLine();

    private static List<Line> Objdump(string obj) =>
    [
        .. Run("llvm-objdump-19", "-d", "--mcpu=v4", obj).Split('\n')
            .Select(line => InstructionLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new Line(int.Parse(m.Groups["slot"].Value, CultureInfo.InvariantCulture),
                Convert.FromHexString(m.Groups["bytes"].Value.Replace(" ", "")), m.Groups["text"].Value.TrimEnd())),
    ];

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {stderr.Result}");
        return stdout;
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("asm-test").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
