using Firmware.Device.Hooks;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Patches;

/// <summary>
/// A verified program attached (or ready to attach) to a hook: its maps, shared by every firmware
/// thread that runs it, its kind's meaning of r0, and its health. A fault or budget overrun makes the
/// call continue into the original function; once <see cref="FaultThreshold"/> of them have happened
/// the patch reports itself unhealthy, once.
/// </summary>
public sealed class Patch : IHookHandler
{
    private readonly ThreadLocal<PatchRunner> _runners;

    private readonly Action<Patch, Fault>? _unhealthy;
    private long _faults;
    private int _reported;

    public Patch(PatchIdentity identity, EbpfProgram program, HookDefinition hook, PatchKind kind, string engine,
        ExecutionLimits limits, int faultThreshold, Action<Patch, Fault>? unhealthy = null)
    {
        Identity = identity;
        Program = program;
        Hook = hook;
        Kind = kind;
        Engine = engine;
        Limits = limits;
        FaultThreshold = faultThreshold;
        _unhealthy = unhealthy;
        Maps = new MapSet(program.Maps);
        _runners = new ThreadLocal<PatchRunner>(() => new PatchRunner(this), trackAllValues: true);
    }

    public PatchIdentity Identity { get; }
    public EbpfProgram Program { get; }
    public HookDefinition Hook { get; }
    public PatchKind Kind { get; }
    public string Engine { get; }
    public ExecutionLimits Limits { get; }
    public int FaultThreshold { get; }
    public MapSet Maps { get; }
    public HelperTable Helpers { get; } = StandardHelpers.CreateTable();

    /// <summary>The last fault, for status reports.</summary>
    public Fault LastFault { get; private set; }

    /// <summary>
    /// Compiles the patch for the calling thread. Called before attaching, so the first firmware call
    /// does not also pay for loading and compiling the compiler itself (seconds without tiered JIT).
    /// </summary>
    public void Prepare() => _ = _runners.Value;

    public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
    {
        var outcome = _runners.Value!.Run(a0, a1, a2, a3);
        result = 0;
        bool decided = false;
        if (!outcome.Ok) RecordFault(outcome.Fault);
        else if (Kind == PatchKind.Replace)
        {
            result = outcome.Value;
            decided = true;
        }
        else if (Kind == PatchKind.Filter && FilterResult.TryGetReturn(outcome.Value, out uint value))
        {
            result = value;
            decided = true;
        }
        // The runner's maps belong to this patch: it must outlive the run (see PatchRunner).
        GC.KeepAlive(this);
        return decided;
    }

    /// <summary>Calls, faults and budget overruns so far, over every thread.</summary>
    public PatchStatistics Statistics()
    {
        long runs = 0, faults = 0, budget = 0;
        foreach (var runner in _runners.Values)
        {
            runs += Volatile.Read(ref runner.Runs);
            faults += Volatile.Read(ref runner.Faults);
            budget += Volatile.Read(ref runner.BudgetHits);
        }
        return new PatchStatistics(runs, faults, budget);
    }

    private void RecordFault(Fault fault)
    {
        LastFault = fault;
        if (Interlocked.Increment(ref _faults) >= FaultThreshold && Interlocked.Exchange(ref _reported, 1) == 0)
            _unhealthy?.Invoke(this, fault);
    }

    ~Patch() => Maps.Dispose();
}

/// <summary>Which package a patch came from.</summary>
public sealed record PatchIdentity(string Hook, ulong Sequence, string ProgramName);

/// <summary>A patch's counters; faults do not include budget overruns.</summary>
public readonly record struct PatchStatistics(long Runs, long Faults, long BudgetHits);
