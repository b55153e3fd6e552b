using System.Diagnostics;
using System.Text.Json;

namespace Firmware.Device.Tests;

/// <summary>The fwagent executable, driven through its stdin control channel, one JSON answer per command.</summary>
public sealed class AgentProcess : IDisposable
{
    public static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "fwagent");

    private readonly Process _process;

    public AgentProcess(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Errors) Errors.Add(e.Data); };
        _process.BeginErrorReadLine();
        Ready = NextLine() ?? throw new InvalidOperationException($"fwagent exited ({WaitForExit()}) before it was ready: {string.Join('\n', Errors)}");
    }

    public JsonElement Ready { get; }
    public List<string> Errors { get; } = [];

    /// <summary>Sends a command and returns its answer, or null when the agent died instead of answering.</summary>
    public JsonElement? Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        return NextLine();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException("fwagent did not exit");
        return _process.ExitCode;
    }

    public int Quit()
    {
        _process.StandardInput.WriteLine("quit");
        _process.StandardInput.Flush();
        return WaitForExit();
    }

    private JsonElement? NextLine()
    {
        string? line = _process.StandardOutput.ReadLine();
        return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
