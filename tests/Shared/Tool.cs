using System.Diagnostics;

namespace Firmware.Testing;

/// <summary>A finished child process: exit code and everything it printed.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr);

public static class Tool
{
    /// <summary>Runs a program to completion, reading both output streams concurrently so neither can fill up and block it.</summary>
    public static ToolResult Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
