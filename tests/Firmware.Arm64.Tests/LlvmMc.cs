using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Firmware.Arm64.Tests;

/// <summary>
/// The reference encoder: LLVM's assembler (llvm-mc-19, from the llvm-19 package test.sh installs), for
/// AArch64 (the default) and Thumb-2 (tests/Firmware.Thumb2.Tests links this file). One process assembles
/// a whole batch of instructions.
/// </summary>
internal static partial class LlvmMc
{
    public const string Tool = "llvm-mc-19";

    public static readonly string[] Arm64 = ["--triple=aarch64", "-mattr=+v8a"];

    /// <summary>ARMv7E-M (Cortex-M4) without the FPU.</summary>
    public static readonly string[] Thumb2 = ["--triple=thumbv7em-none-eabi", "-mattr=-fp-armv8,-vfp2"];

    /// <summary>The A64 word of each line of <paramref name="assembly"/> (one instruction per line), in order.</summary>
    public static uint[] Encode(IReadOnlyList<string> assembly) =>
        [.. EncodeBytes(Arm64, assembly).Select(bytes => BitConverter.ToUInt32(bytes))];

    /// <summary>The bytes of each line of <paramref name="assembly"/> for <paramref name="target"/>, in order.</summary>
    public static byte[][] EncodeBytes(string[] target, IReadOnlyList<string> assembly)
    {
        var start = new ProcessStartInfo(Tool, [.. target, "-show-encoding"])
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
        var encodings = Encoding().Matches(stdout.Result)
            .Select(m => m.Groups[1].Value.Split(',').Select(b => byte.Parse(b.Trim()[2..], NumberStyles.HexNumber)).ToArray())
            .ToArray();
        if (encodings.Length != assembly.Count)
            throw new InvalidOperationException($"{Tool} gave {encodings.Length} encodings for {assembly.Count} lines");
        return encodings;
    }

    /// <summary>
    /// Disassembles little-endian code (A64 unless <paramref name="target"/> says otherwise); returns the number
    /// of instructions LLVM decoded and the diagnostics it printed (one "invalid instruction encoding" warning
    /// per instruction it could not decode).
    /// </summary>
    public static (int Instructions, string Diagnostics) Disassemble(ReadOnlySpan<byte> code, string[]? target = null)
    {
        var start = new ProcessStartInfo(Tool, [.. target ?? Arm64, "--disassemble"])
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
