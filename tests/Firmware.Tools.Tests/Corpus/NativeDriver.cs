using System.Globalization;

namespace Firmware.Tools.Tests.Corpus;

/// <summary>What one run of entry() produced: r0 and the FNV-1a 64 hash of the buffer afterwards.</summary>
public readonly record struct RunOutcome(ulong Value, ulong BufferHash)
{
    public override string ToString() => $"r0=0x{Value:x} buffer=0x{BufferHash:x}";
}

/// <summary>Runs a program built with driver.c (tests/data/corpus) and reads what it printed.</summary>
public static class NativeDriver
{
    /// <summary>Runs entry() on each input file in turn, in one process.</summary>
    public static IReadOnlyList<RunOutcome> Run(string executable, IReadOnlyList<string> inputFiles)
    {
        var result = Tool.Run(executable, inputFiles);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{executable} exited {result.ExitCode}: {result.Stderr}");
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != inputFiles.Count)
            throw new InvalidOperationException($"{executable} printed {lines.Length} lines for {inputFiles.Count} inputs:\n{result.Stdout}");
        return [.. lines.Select(Parse)];
    }

    /// <summary>FNV-1a 64, exactly as driver.c computes it.</summary>
    public static ulong BufferHash(ReadOnlySpan<byte> data)
    {
        ulong hash = 0xcbf29ce484222325;
        foreach (byte b in data)
            hash = (hash ^ b) * 0x100000001b3;
        return hash;
    }

    private static RunOutcome Parse(string line)
    {
        var fields = line.Split(' ');
        return new RunOutcome(ulong.Parse(fields[0], NumberStyles.HexNumber), ulong.Parse(fields[1], NumberStyles.HexNumber));
    }
}
