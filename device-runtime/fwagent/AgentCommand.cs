using System.CommandLine;
using Firmware.Device.Agent;
using Firmware.Device.Hosting;
using Firmware.Device.Transport;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;

namespace Fwagent;

/// <summary>
/// `fwagent --board B --id ID [--state DIR] [--trust KEY.pub ...] [--serial PORT]`: hosts the board's
/// firmware and applies packages (contracts.md). Options and wiring only; the device is DeviceAgent.
/// Exit codes: 0 after a clean stop, 2 for bad options or a board, key or firmware that cannot be used.
/// </summary>
public static class AgentCommand
{
    public static int Run(string[] args)
    {
        var board = new Option<string>("--board") { HelpName = "B", Description = "Board name (boards/B/board.json)", Required = true };
        var id = new Option<string>("--id") { HelpName = "ID", Description = "This device's id, as the fleet knows it", Required = true };
        var boardsDir = new Option<string?>("--boards-dir") { HelpName = "DIR", Description = $"Boards directory (default: ${BoardCatalog.EnvironmentVariable}, else boards/ above the current directory or fwagent)" };
        var state = new Option<string?>("--state") { HelpName = "DIR", Description = "Where installed patches are kept across restarts (default: ./fwagent-state/ID)" };
        var trust = new Option<string[]>("--trust") { HelpName = "KEY.pub", Description = "Public key whose packages this device accepts (repeatable); without one every package is refused", AllowMultipleArgumentsPerToken = true };
        var serial = new Option<string?>("--serial") { HelpName = "PORT", Description = "Accept packages over this serial port (fwctl push --serial)" };
        var baud = new Option<int>("--baud") { HelpName = "B", Description = "Serial speed", DefaultValueFactory = _ => 115200 };
        var workers = new Option<int>("--workers") { HelpName = "N", Description = "Firmware main-loop threads to run (0: hooks only, no traffic)", DefaultValueFactory = _ => 2 };
        var malicious = new Option<int>("--malicious-every") { HelpName = "K", Description = "Every K-th packet of the firmware's traffic lies about its length (0: none)", DefaultValueFactory = _ => 0 };
        var root = new RootCommand("fwagent: hosts a board's firmware on this machine and applies signed eBPF patches to it. "
            + "Commands on stdin, one per line, each answered by one JSON line: install FILE.fwp | remove HOOK | rollback HOOK | status | quit")
        {
            board, id, boardsDir, state, trust, serial, baud, workers, malicious,
        };
        root.SetAction(parse => Serve(parse, board, id, boardsDir, state, trust, serial, baud, workers, malicious));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"fwagent: {error.Message}");
            return 2;
        }
        return parsed.Invoke();
    }

    /// <summary>
    /// Fault injection for restart tests (docs/agent.md): FWAGENT_KILL_AFTER=journal|package|index kills
    /// this process with SIGKILL right after that durable step of a store change.
    /// </summary>
    private static Action<string>? KillAfterStep() =>
        Environment.GetEnvironmentVariable("FWAGENT_KILL_AFTER") is { Length: > 0 } step
            ? done => { if (done == step) System.Diagnostics.Process.GetCurrentProcess().Kill(); }
            : null;

    private static int Serve(ParseResult parse, Option<string> board, Option<string> id, Option<string?> boardsDir, Option<string?> state,
        Option<string[]> trust, Option<string?> serial, Option<int> baud, Option<int> workers, Option<int> malicious)
    {
        DeviceAgent agent;
        try
        {
            var catalog = BoardCatalog.Locate(parse.GetValue(boardsDir));
            string boardName = parse.GetValue(board)!, deviceId = parse.GetValue(id)!;
            var definition = catalog.Load(boardName);
            var keys = (parse.GetValue(trust) ?? []).Select(path => TrustedKey.FromPem(File.ReadAllText(path))).ToList();
            if (keys.Count == 0) Console.Error.WriteLine("fwagent: no --trust key given: every package will be refused");
            agent = DeviceAgent.Start(new AgentOptions(deviceId, definition, Path.Combine(catalog.Directory, boardName),
                parse.GetValue(state) ?? Path.Combine("fwagent-state", deviceId), keys, KillAfterStep()));
        }
        catch (Exception e) when (e is BoardFormatException or PackageFormatException or FirmwareException or IOException or UnauthorizedAccessException or Firmware.Device.Hooks.X64.HookException)
        {
            Console.Error.WriteLine($"fwagent: {e.Message}");
            return 2;
        }

        var output = new ControlOutput(Console.Out);
        agent.Events += e => output.Event(e);
        if (parse.GetValue(workers) > 0) agent.Gateway.Start(parse.GetValue(workers), parse.GetValue(malicious));
        // Not disposed: the exit handlers may still cancel it while the process shuts down.
        var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        var transports = new List<Task>();
        if (parse.GetValue(serial) is { } port)
            transports.Add(new SerialTransport(agent, port, parse.GetValue(baud), m => Console.Error.WriteLine($"fwagent: {m}")).RunAsync(stop.Token));
        output.Ready(agent);
        new ControlChannel(agent, Console.In, output).Run(stop.Token);
        stop.Cancel();
        agent.Gateway.Stop();
        try { Task.WaitAll([.. transports]); } catch (AggregateException) { }
        return 0;
    }
}
