using System.CommandLine;
using Firmware.Device.Agent;
using Firmware.Device.Hooks;
using Firmware.Device.Hosting;
using Firmware.Device.Transport;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;

namespace Fwagent;

/// <summary>
/// `fwagent --board B --id ID [--state DIR] [--trust KEY.pub ...] [--broker URL] [--serial PORT] [--simulate N]`:
/// hosts the board's firmware and applies packages (contracts.md, docs/agent.md). Options and wiring
/// only; the device is DeviceAgent. Exit codes: 0 after a clean stop, 2 for bad options or a board, key
/// or firmware that cannot be used.
/// </summary>
public static class AgentCommand
{
    private static readonly Option<string> Board = new("--board") { HelpName = "B", Description = "Board name (boards/B/board.json)", Required = true };
    private static readonly Option<string> Id = new("--id") { HelpName = "ID", Description = "This device's id, as the fleet knows it (with --simulate: the prefix of ID-0001..)", Required = true };
    private static readonly Option<string?> BoardsDir = new("--boards-dir") { HelpName = "DIR", Description = $"Boards directory (default: ${BoardCatalog.EnvironmentVariable}, else boards/ above the current directory or fwagent)" };
    private static readonly Option<string?> State = new("--state") { HelpName = "DIR", Description = "Where installed patches are kept across restarts (default: ./fwagent-state/ID)" };
    private static readonly Option<string[]> Trust = new("--trust") { HelpName = "KEY.pub", Description = "Public key whose packages and commands this device accepts (repeatable); without one everything is refused", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string?> Broker = new("--broker") { HelpName = "URL", Description = "Join the fleet on this MQTT 5 broker: mqtt://[user:pass@]host:port, mqtts:// for TLS" };
    private static readonly Option<string?> Group = new("--group") { HelpName = "G", Description = "Rollout group this device belongs to (fwctl push --group)" };
    private static readonly Option<string?> Serial = new("--serial") { HelpName = "PORT", Description = "Accept packages over this serial port (fwctl push --serial)" };
    private static readonly Option<int> Baud = new("--baud") { HelpName = "B", Description = "Serial speed", DefaultValueFactory = _ => 115200 };
    private static readonly Option<int> Simulate = new("--simulate") { HelpName = "N", Description = "Run N independent devices ID-0001..ID-N in this process (needs --broker)" };
    private static readonly Option<int> Workers = new("--workers") { HelpName = "N", Description = "Firmware main-loop threads per device (0: hooks only, no traffic; default 2, 0 with --simulate)" };
    private static readonly Option<int> Malicious = new("--malicious-every") { HelpName = "K", Description = "Every K-th packet of the firmware's traffic lies about its length (0: none)", DefaultValueFactory = _ => 0 };

    public static int Run(string[] args)
    {
        var root = new RootCommand("fwagent: hosts a board's firmware on this machine and applies signed eBPF patches to it. "
            + "Commands on stdin, one per line, each answered by one JSON line: install FILE.fwp | remove HOOK | rollback HOOK | status | calibrate RAW... | quit")
        {
            Board, Id, BoardsDir, State, Trust, Broker, Group, Serial, Baud, Simulate, Workers, Malicious,
        };
        root.SetAction(Serve);
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

    private static int Serve(ParseResult parse)
    {
        AgentOptions template;
        BrokerAddress? broker;
        int simulate = parse.GetValue(Simulate);
        try
        {
            var catalog = BoardCatalog.Locate(parse.GetValue(BoardsDir));
            string boardName = parse.GetValue(Board)!, deviceId = parse.GetValue(Id)!;
            if (!FleetTopics.IsValidDeviceId(deviceId)) throw new FormatException($"--id '{deviceId}': use 1-64 letters, digits, '-', '_' or '.'");
            broker = parse.GetValue(Broker) is { } url ? BrokerAddress.Parse(url) : null;
            if (simulate < 0 || (simulate > 0 && broker is null)) throw new FormatException("--simulate N needs N > 0 and --broker");
            var keys = (parse.GetValue(Trust) ?? []).Select(path => TrustedKey.FromPem(File.ReadAllText(path))).ToList();
            if (keys.Count == 0) Console.Error.WriteLine("fwagent: no --trust key given: every package and command will be refused");
            template = new AgentOptions(deviceId, catalog.Load(boardName), Path.Combine(catalog.Directory, boardName),
                parse.GetValue(State) ?? Path.Combine("fwagent-state", deviceId), keys, KillAfterStep());
        }
        catch (Exception e) when (e is BoardFormatException or PackageFormatException or IOException or UnauthorizedAccessException or FormatException)
        {
            Console.Error.WriteLine($"fwagent: {e.Message}");
            return 2;
        }

        // Not disposed: the exit handlers may still cancel it while the process shuts down.
        var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        void Log(string message) => Console.Error.WriteLine($"fwagent: {message}");
        try
        {
            return simulate > 0 ? RunFleet(parse, template, broker!, simulate, stop, Log) : RunDevice(parse, template, broker, stop, Log);
        }
        catch (Exception e) when (e is FirmwareException or HookException or IOException)
        {
            Console.Error.WriteLine($"fwagent: {e.Message}");
            return 2;
        }
    }

    private static int RunDevice(ParseResult parse, AgentOptions options, BrokerAddress? broker, CancellationTokenSource stop, Action<string> log)
    {
        var agent = DeviceAgent.Start(options);
        var output = new ControlOutput(Console.Out);
        agent.Events += e => output.Event(e);
        int workers = parse.GetResult(Workers) is null ? 2 : parse.GetValue(Workers);
        if (workers > 0) agent.Gateway.Start(workers, parse.GetValue(Malicious));
        var transports = new List<Task>();
        if (parse.GetValue(Serial) is { } port)
            transports.Add(new SerialTransport(agent, port, parse.GetValue(Baud), log).RunAsync(stop.Token));
        MqttTransport? mqtt = broker is null ? null : new MqttTransport(agent, broker, log, parse.GetValue(Group));
        if (mqtt is not null) transports.Add(mqtt.RunAsync(stop.Token));
        output.Ready(agent);
        new ControlChannel(agent, Console.In, output).Run(stop.Token);
        stop.Cancel();
        agent.Gateway.Stop();
        try { Task.WaitAll([.. transports]); } catch (AggregateException) { }
        mqtt?.DisposeAsync().AsTask().Wait();
        return 0;
    }

    /// <summary>--simulate N: N devices on the broker; stdin takes only `quit` (each device's state is on its status topic).</summary>
    private static int RunFleet(ParseResult parse, AgentOptions template, BrokerAddress broker, int count, CancellationTokenSource stop, Action<string> log)
    {
        var fleet = SimulatedFleet.Start(template, count, broker, log, parse.GetValue(Group));
        int workers = parse.GetValue(Workers);
        if (workers > 0)
            foreach (var device in fleet.Devices) device.Agent.Gateway.Start(workers, parse.GetValue(Malicious));
        Console.Out.WriteLine($"{{\"event\":\"ready\",\"devices\":{count},\"first\":\"{fleet.Devices[0].Agent.Id}\",\"last\":\"{fleet.Devices[^1].Agent.Id}\"}}");
        Console.Out.Flush();
        var input = Task.Run(() =>
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null && line.Trim() != "quit") { }
            if (line is not null) stop.Cancel();
        });
        stop.Token.WaitHandle.WaitOne();
        foreach (var device in fleet.Devices) device.Agent.Gateway.Stop();
        fleet.DisposeAsync().AsTask().Wait();
        return 0;
    }
}
