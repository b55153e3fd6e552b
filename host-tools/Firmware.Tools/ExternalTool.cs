using System.ComponentModel;
using System.Diagnostics;

namespace Firmware.Tools;

/// <summary>A finished command-line tool: its exit code and everything it printed.</summary>
public sealed record ExternalToolResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the command-line tools the host side drives (clang-19, arm-none-eabi-gcc, apt-get, dpkg-deb) to
/// completion, reading both output streams at once so that neither can fill its pipe and stall the tool.
/// </summary>
public static class ExternalTool
{
    /// <summary>Null when <paramref name="tool"/> is not installed (nothing of that name on the PATH), so each caller can say how to install it.</summary>
    public static ExternalToolResult? Run(string tool, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return new ExternalToolResult(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
