using System.Diagnostics;
using Firmware.Device.Hooks;
using Firmware.Device.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Containers;

namespace Firmware.Device.Containers;

/// <summary>
/// One program of a container, run by its trigger: a hook's calls (as a filter: <c>FW_RETURN(v)</c>
/// answers the call, <c>FW_CONTINUE</c> lets it go on to the patch or the original), the timer thread, or
/// a message. Every run is timed and counted; a run over the container's runs per second is skipped and
/// counted as throttled; a fault stops the whole container.
/// </summary>
public sealed class TriggeredProgram : IHookHandler
{
    private readonly Container _container;
    private readonly HostedProgram _program;
    private long _totalTicks;
    private long _maxTicks;
    private long _throttled;

    internal TriggeredProgram(Container container, HostedProgram program, ContainerTrigger trigger)
    {
        _container = container;
        _program = program;
        Trigger = trigger;
    }

    public string Name => _program.Program.Name;
    public ContainerTrigger Trigger { get; }
    /// <summary>Timer runs so far: the ticks field of the timer context.</summary>
    internal ulong Ticks;

    internal void Check() => _program.Check();

    /// <inheritdoc cref="HostedProgram.Runners"/>
    internal int Runners => _program.Runners;

    public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
    {
        result = 0;
        if (!TryRun(a0, a1, a2, a3, out ulong r0) || !FilterResult.TryGetReturn(r0, out uint value)) return false;
        result = value;
        return true;
    }

    /// <summary>Runs the program if its container is running and within its rate; false when it did not run or faulted.</summary>
    internal bool TryRun(ulong a0, ulong a1, ulong a2, ulong a3, out ulong r0)
    {
        r0 = 0;
        if (!_container.IsRunning) return false;
        if (!_container.Rate.TryTake())
        {
            Interlocked.Increment(ref _throttled);
            return false;
        }
        // A thread's first run compiles the program for it: that is not the program's time.
        var runner = _program.Runner;
        long start = Stopwatch.GetTimestamp();
        var outcome = runner.Run(a0, a1, a2, a3);
        long elapsed = Stopwatch.GetTimestamp() - start;
        Interlocked.Add(ref _totalTicks, elapsed);
        for (long max = Volatile.Read(ref _maxTicks); elapsed > max; max = Volatile.Read(ref _maxTicks))
            if (Interlocked.CompareExchange(ref _maxTicks, elapsed, max) == max) break;
        // The program's maps belong to the container: it must outlive the run.
        GC.KeepAlive(_container);
        if (!outcome.Ok)
        {
            _container.Fail(this, outcome.Fault);
            return false;
        }
        r0 = outcome.Value;
        return true;
    }

    public ContainerProgramMetrics Metrics()
    {
        var statistics = _program.Statistics();
        long runs = statistics.Runs;
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        return new ContainerProgramMetrics(Name, statistics.Runs, statistics.Faults, statistics.BudgetHits, Volatile.Read(ref _throttled),
            runs == 0 ? 0 : (long)(Volatile.Read(ref _totalTicks) * nsPerTick / runs), (long)(Volatile.Read(ref _maxTicks) * nsPerTick));
    }
}

/// <summary>A container program's counters: runs, faults, budget overruns, runs skipped by the rate limit, mean and max ns per run.</summary>
public sealed record ContainerProgramMetrics(string Program, long Runs, long Faults, long BudgetHits, long Throttled, long MeanNs, long MaxNs);
