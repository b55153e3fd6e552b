using System.Diagnostics;
using System.Text.Json;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// A board whose device is an fwagent process, driven through its stdin control channel (docs/agent.md):
/// one command a line, one JSON answer a line. Events the device prints on its own (a patch detached for
/// faults) are kept in <see cref="Events"/> and skipped when reading answers.
/// </summary>
public sealed class AgentSession : IBoardSession
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly List<string> _errors = [];

    /// <summary>Starts the agent and waits for its ready line, reporting the time taken every few seconds.</summary>
    public AgentSession(ProcessStartInfo start, TimeSpan readyTimeout, Action<string> progress)
    {
        start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = Process.Start(start) ?? throw new BoardTestException($"cannot start {start.FileName}");
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
        _process.BeginErrorReadLine();
        var ready = _process.StandardOutput.ReadLineAsync();
        var clock = Stopwatch.StartNew();
        while (!ready.Wait(TimeSpan.FromSeconds(3)))
        {
            if (clock.Elapsed > readyTimeout) Fail($"the agent was not ready after {readyTimeout.TotalSeconds:F0} s");
            progress($"waiting for the board: {clock.Elapsed.TotalSeconds:F0} s");
        }
        if (ready.Result is null) Fail("the agent exited before it was ready");
        Ready = JsonDocument.Parse(ready.Result!).RootElement.Clone();
    }

    /// <summary>The agent's first line: {"event":"ready","id","board","firmware_build_id"}.</summary>
    public JsonElement Ready { get; }

    /// <summary>Event lines the agent printed between answers.</summary>
    public List<JsonElement> Events { get; } = [];

    /// <summary>What the agent printed on stderr so far.</summary>
    public string Errors
    {
        get { lock (_errors) return string.Join('\n', _errors); }
    }

    /// <summary>Sends a control command and returns its answer.</summary>
    public JsonElement Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        while (true)
        {
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(AnswerTimeout)) Fail($"no answer to '{command}' within {AnswerTimeout.TotalSeconds:F0} s");
            if (read.Result is null) Fail($"the agent exited while answering '{command}'");
            var answer = JsonDocument.Parse(read.Result!).RootElement.Clone();
            if (answer.TryGetProperty("command", out _)) return answer;
            Events.Add(answer);
        }
    }

    public FirmwareCounters Counters()
    {
        var c = Status().GetProperty("counters");
        return new FirmwareCounters(c.GetProperty("packets").GetInt64(), c.GetProperty("accepted").GetInt64(), c.GetProperty("malformed").GetInt64(),
            c.GetProperty("overruns").GetInt64(), c.GetProperty("calibrations").GetInt64());
    }

    public CommandOutcome Install(string package) => Outcome(Send($"install {package}"));

    public CommandOutcome Remove(string hook) => Outcome(Send($"remove {hook}"));

    public IReadOnlyList<CalibrationReading> Calibrate(IReadOnlyList<int> raws)
    {
        var answer = Send($"calibrate {string.Join(' ', raws)}");
        if (!answer.GetProperty("ok").GetBoolean()) Fail(answer.GetProperty("message").GetString() ?? "calibrate refused");
        return [.. answer.GetProperty("readings").EnumerateArray().Select(r => new CalibrationReading(r.GetProperty("raw").GetInt32(), r.GetProperty("value").GetInt32()))];
    }

    public PatchReport? Patch(string hook, ulong sequence)
    {
        foreach (var patch in Status().GetProperty("patches").EnumerateArray())
        {
            if (patch.GetProperty("hook").GetString() != hook || patch.GetProperty("sequence").GetUInt64() != sequence) continue;
            var statistics = patch.GetProperty("statistics");
            return new PatchReport(patch.GetProperty("state").GetString() ?? "", statistics.GetProperty("runs").GetInt64(),
                statistics.GetProperty("faults").GetInt64(), statistics.GetProperty("budget_hits").GetInt64(),
                patch.GetProperty("last_fault").ValueKind == JsonValueKind.String ? patch.GetProperty("last_fault").GetString() : null);
        }
        return null;
    }

    private JsonElement Status() => Send("status").GetProperty("status");

    private static CommandOutcome Outcome(JsonElement answer) =>
        new(answer.GetProperty("ok").GetBoolean(), answer.GetProperty("message").GetString() ?? "");

    private void Fail(string reason)
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        throw new BoardTestException($"{reason} (exit {_process.ExitCode}){(Errors.Length > 0 ? ": " + Errors : "")}");
    }

    /// <summary>Asks the agent to quit and waits for it; kills it if it does not.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
            }
        }
        catch (IOException)
        {
            // Already gone.
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
