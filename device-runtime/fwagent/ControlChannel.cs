using Firmware.Device.Agent;

namespace Fwagent;

/// <summary>
/// The agent's local control: one command per line on stdin, one JSON line answering each on stdout
/// (docs/agent.md). End of input leaves the agent running until it is stopped; `quit` stops it.
/// </summary>
public sealed class ControlChannel(DeviceAgent agent, TextReader input, ControlOutput output)
{
    public void Run(CancellationToken stop)
    {
        bool inputOpen = true;
        while (!stop.IsCancellationRequested)
        {
            if (!inputOpen)
            {
                stop.WaitHandle.WaitOne();
                break;
            }
            string? line = input.ReadLine();
            if (line is null)
            {
                inputOpen = false;
                continue;
            }
            string[] words = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0) continue;
            if (words[0] == "quit") break;
            Execute(words[0], words.Length > 1 ? words[1] : "");
        }
    }

    private void Execute(string command, string argument)
    {
        switch (command)
        {
            case "install":
                byte[] package;
                try
                {
                    package = File.ReadAllBytes(argument);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    output.Result(command, CommandResult.Refused($"cannot read {argument}: {e.Message}"));
                    return;
                }
                output.Result(command, agent.Install(package));
                break;
            case "remove":
                output.Result(command, agent.Remove(argument));
                break;
            case "rollback":
                output.Result(command, agent.Rollback(argument));
                break;
            case "status":
                output.Status(agent.Status());
                break;
            case "calibrate":
                Calibrate(argument);
                break;
            case "start":
                output.Result(command, agent.StartContainer(argument));
                break;
            case "stop":
                output.Result(command, agent.StopContainer(argument));
                break;
            case "remove-container":
                output.Result(command, agent.RemoveContainer(argument));
                break;
            default:
                output.Result(command, CommandResult.Refused($"unknown command '{command}' (install FILE | remove HOOK | rollback HOOK | start NAME | stop NAME | remove-container NAME | status | calibrate RAW... | quit)"));
                break;
        }
    }

    /// <summary>Calls the firmware's fw_calibrate, through its hook, on each raw reading: what a patch makes of it.</summary>
    private void Calibrate(string argument)
    {
        string[] words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var raws = new List<int>();
        foreach (string word in words)
        {
            if (!int.TryParse(word, out int raw))
            {
                output.Result("calibrate", CommandResult.Refused($"'{word}' is not a raw reading (an integer)"));
                return;
            }
            raws.Add(raw);
        }
        if (raws.Count == 0)
        {
            output.Result("calibrate", CommandResult.Refused("calibrate RAW...: give at least one raw reading"));
            return;
        }
        output.Readings([.. raws.Select(raw => (raw, agent.Gateway.Calibrate(raw)))]);
    }
}
