using System.Diagnostics;
using Firmware.Device.Agent;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Containers;
using Firmware.Protocol.Packages;
using Firmware.Testing;
using Firmware.Tools.Boards;
using Firmware.Tools.Packaging;

namespace Firmware.Bench;

/// <summary>
/// `--containers N`: what containers cost on the device, per engine (targets.md: Femto-Containers, 624 B
/// of RAM per container on an MCU; aim for under 4 KiB on .NET).
/// - Memory per idle container: N containers deployed through the agent (each a message program, never
///   triggered, and an 8-byte state map), managed heap and resident set before and after, divided by N.
/// - Per-run cost of a timer-triggered container: N containers with an empty program every 10 ms for 5 s;
///   the process CPU time spent divided by the runs made (the timer thread, the run, the metrics), and the
///   containers' own mean ns per run.
/// One-shot measurements, not BenchmarkDotNet: they deploy real packages into a real agent.
/// </summary>
public static class ContainerFootprint
{
    private static readonly MapDefinition State = new("state", MapType.Array, 4, 8, 1, 0, null, false);

    public static int Run(int containers)
    {
        var catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        var board = catalog.Load("linux-x64");
        using var key = SigningKey.Generate();
        foreach (var engine in new[] { EngineKind.Interpreter, board.Engine })
        {
            var variant = board with { Engine = engine };
            string state = Directory.CreateTempSubdirectory("container-bench-").FullName;
            try
            {
                var agent = DeviceAgent.Start(new AgentOptions("bench", variant, Path.Combine(catalog.Directory, "linux-x64"), state, [key.PublicKey]));
                string name = BoardDefinition.EngineName(engine);
                Idle(agent, variant, key, containers, name);
                Timers(agent, variant, key, containers, name);
            }
            finally
            {
                Directory.Delete(state, recursive: true);
            }
        }
        return 0;
    }

    private static void Idle(DeviceAgent agent, BoardDefinition board, SigningKey key, int count, string engine)
    {
        var packages = Enumerable.Range(0, count).Select(i => Pack(board, key, $"idle{i}", "message", "mov %r0, 0\nexit")).ToList();
        var (managed, resident) = Footprint();
        foreach (var package in packages)
            if (!agent.Install(package).Ok) throw new InvalidOperationException("deploy failed");
        var (managedAfter, residentAfter) = Footprint();
        Console.WriteLine($"containers ({engine}): {count} idle containers: {(managedAfter - managed) / count:N0} B managed and {(residentAfter - resident) / count:N0} B resident each");
    }

    private static void Timers(DeviceAgent agent, BoardDefinition board, SigningKey key, int count, string engine)
    {
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < count; i++)
            if (!agent.Install(Pack(board, key, $"tick{i}", "timer/10", "mov %r0, 0\nexit")).Ok) throw new InvalidOperationException("deploy failed");
        Thread.Sleep(1000); // every timer has run and compiled on the timer thread
        long runsBefore = TimerRuns(agent);
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Thread.Sleep(5000);
        process.Refresh();
        double cpuNs = (process.TotalProcessorTime - cpu).TotalNanoseconds;
        long runs = TimerRuns(agent) - runsBefore;
        var programs = agent.Status().Containers.Where(c => c.Name.StartsWith("tick")).SelectMany(c => c.Metrics.Programs).ToList();
        double mean = programs.Sum(p => (double)p.MeanNs * p.Runs) / programs.Sum(p => p.Runs);
        Console.WriteLine($"containers ({engine}): {count} timers every 10 ms for {clock.Elapsed.TotalSeconds:0.0} s: {runs:N0} runs ({runs / clock.Elapsed.TotalSeconds:N0}/s), " +
            $"{cpuNs / runs:N0} ns of process CPU per run (the whole process, firmware idle), {mean:N0} ns per run inside the container");
    }

    private static long TimerRuns(DeviceAgent agent) =>
        agent.Status().Containers.Where(c => c.Name.StartsWith("tick")).Sum(c => c.Metrics.Programs.Sum(p => p.Runs));

    private static byte[] Pack(BoardDefinition board, SigningKey key, string name, string trigger, string code)
    {
        var program = new EbpfProgram(trigger, Assembler.Assemble(code), [State]);
        var target = new PackageTarget(board, "", PatchKind.Container, 1, [], "bench");
        return ContainerBuilder.Pack([program], target, name, ContainerLimits.Default, key).Package!;
    }

    private static (long Managed, long Resident) Footprint()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true), process.WorkingSet64);
    }
}
