using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Firmware.Arm64.Tests;

/// <summary>
/// The reference encoder: LLVM's assembler (llvm-mc-19, from the llvm-19 package test.sh installs) for
/// AArch64. One process assembles a whole batch of instructions.
/// </summary>
internal static partial class LlvmMc
{
    public const string Tool = "llvm-mc-19";

    /// <summary>The encoding of each line of <paramref name="assembly"/> (one instruction per line), in order.</summary>
    public static uint[] Encode(IReadOnlyList<string> assembly)
    {
        var start = new ProcessStartInfo(Tool, ["--triple=aarch64", "-mattr=+v8a", "-show-encoding"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var line in assembly) process.StandardInput.WriteLine(line);
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0 || stderr.Result.Contains("error"))
            throw new InvalidOperationException($"{Tool} rejected the batch:\n{Excerpt(stderr.Result, assembly)}");
        var words = Encoding().Matches(stdout.Result)
            .Select(m => BitConverter.ToUInt32([.. m.Groups[1].Value.Split(',').Select(b => byte.Parse(b.Trim()[2..], NumberStyles.HexNumber))]))
            .ToArray();
        if (words.Length != assembly.Count)
            throw new InvalidOperationException($"{Tool} gave {words.Length} encodings for {assembly.Count} lines");
        return words;
    }

    /// <summary>
    /// Disassembles little-endian A64 code; returns the number of instructions LLVM decoded and the
    /// diagnostics it printed (one "invalid instruction encoding" warning per word it could not decode).
    /// </summary>
    public static (int Instructions, string Diagnostics) Disassemble(ReadOnlySpan<byte> code)
    {
        var start = new ProcessStartInfo(Tool, ["--triple=aarch64", "-mattr=+v8a", "--disassemble"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var text = new System.Text.StringBuilder(code.Length * 5);
        for (int i = 0; i < code.Length; i++)
        {
            text.Append("0x").Append(code[i].ToString("x2")).Append(' ');
            if (i % 16 == 15) text.Append('\n');
        }
        process.StandardInput.Write(text.ToString());
        process.StandardInput.Close();
        process.WaitForExit();
        int instructions = stdout.Result.Split('\n').Count(line => line.StartsWith('\t') && !line.StartsWith("\t."));
        return (instructions, stderr.Result);
    }

    /// <summary>The first errors with the lines they are about.</summary>
    private static string Excerpt(string errors, IReadOnlyList<string> assembly) => string.Join('\n', errors.Split('\n')
        .Take(12)
        .Select(line => LineNumber().Match(line) is { Success: true } m && int.Parse(m.Groups[1].Value) - 1 < assembly.Count
            ? $"{line}   [{assembly[int.Parse(m.Groups[1].Value) - 1]}]"
            : line));

    [GeneratedRegex(@"encoding: \[([^\]]*)\]")]
    private static partial Regex Encoding();

    [GeneratedRegex(@"^<stdin>:(\d+):")]
    private static partial Regex LineNumber();
}
