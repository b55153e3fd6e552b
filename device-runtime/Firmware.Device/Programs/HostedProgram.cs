using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Protocol.Boards;

namespace Firmware.Device.Programs;

/// <summary>
/// A verified program the device runs on whichever thread calls it (firmware threads for hooks, the
/// timer thread, the transport's thread): each thread gets its own <see cref="ProgramRunner"/> over the
/// shared maps and helpers. Patches and container programs are both made of one. The maps belong to
/// whoever made this (a patch, a container); callers keep that owner alive while a run is in progress.
/// </summary>
public sealed class HostedProgram
{
    private readonly ThreadLocal<ProgramRunner> _runners;

    /// <param name="proofs">What the device's verifier proved for this context: the engines leave those accesses unchecked.</param>
    public HostedProgram(Ebpf.Programs.EbpfProgram program, HookDefinition context, string engine, ExecutionLimits limits, MapSet maps, HelperTable helpers,
        IAccessProofs? proofs = null)
    {
        Proofs = proofs;
        Program = program;
        Context = context;
        Engine = engine;
        Limits = limits;
        Maps = maps;
        Helpers = helpers;
        _runners = new ThreadLocal<ProgramRunner>(() => new ProgramRunner(this), trackAllValues: true);
    }

    public Ebpf.Programs.EbpfProgram Program { get; }
    /// <summary>The hook (or trigger) whose context the program gets in r1.</summary>
    public HookDefinition Context { get; }
    public string Engine { get; }
    public ExecutionLimits Limits { get; }
    public MapSet Maps { get; }
    public HelperTable Helpers { get; }
    public IAccessProofs? Proofs { get; }

    /// <summary>
    /// Compiles the program once and frees the result, before it is attached: an engine that cannot load it
    /// refuses it here (<see cref="Ebpf.Programs.ProgramFormatException"/>), and the first triggered call does
    /// not also pay for loading and compiling the compiler itself (seconds without tiered JIT). Nothing is
    /// kept: the threads that run the program (firmware threads, the timer thread) each compile their own
    /// runner on first use, so one kept for the installing thread would only cost memory.
    /// </summary>
    public void Check() => new ProgramRunner(this).Dispose();

    /// <summary>The calling thread's runner, compiled on the thread's first use.</summary>
    internal ProgramRunner Runner => _runners.Value!;

    /// <summary>How many threads have a compiled runner for this program.</summary>
    internal int Runners => _runners.Values.Count;

    /// <summary>Runs on the calling thread's runner: the arguments fill the context and r2..r5.</summary>
    public RunResult Run(ulong a0, ulong a1, ulong a2, ulong a3) => Runner.Run(a0, a1, a2, a3);

    /// <summary>Runs, faults and budget overruns so far, over every thread.</summary>
    public ProgramStatistics Statistics()
    {
        long runs = 0, faults = 0, budget = 0;
        foreach (var runner in _runners.Values)
        {
            runs += Volatile.Read(ref runner.Runs);
            faults += Volatile.Read(ref runner.Faults);
            budget += Volatile.Read(ref runner.BudgetHits);
        }
        return new ProgramStatistics(runs, faults, budget);
    }
}

/// <summary>A program's counters; faults do not include budget overruns.</summary>
public readonly record struct ProgramStatistics(long Runs, long Faults, long BudgetHits);
