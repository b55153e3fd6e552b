using Firmware.Device.Hooks;
using Firmware.Device.Programs;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
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
    private readonly HostedProgram _program;
    private readonly Action<Patch, Fault>? _unhealthy;
    private long _faults;
    private int _reported;

    public Patch(PatchIdentity identity, EbpfProgram program, HookDefinition hook, PatchKind kind, string engine,
        ExecutionLimits limits, int faultThreshold, Action<Patch, Fault>? unhealthy = null, IAccessProofs? proofs = null)
    {
        Identity = identity;
        Kind = kind;
        FaultThreshold = faultThreshold;
        _unhealthy = unhealthy;
        _program = new HostedProgram(program, hook, engine, limits, new MapSet(program.Maps), StandardHelpers.CreateTable(), proofs);
    }

    public PatchIdentity Identity { get; }
    public EbpfProgram Program => _program.Program;
    public HookDefinition Hook => _program.Context;
    public PatchKind Kind { get; }
    public string Engine => _program.Engine;
    public ExecutionLimits Limits => _program.Limits;
    public int FaultThreshold { get; }
    public MapSet Maps => _program.Maps;
    /// <summary>What the device's verifier proved: these accesses run unchecked.</summary>
    public IAccessProofs? Proofs => _program.Proofs;

    /// <summary>The last fault, for status reports.</summary>
    public Fault LastFault { get; private set; }

    /// <inheritdoc cref="HostedProgram.Check"/>
    public void Check() => _program.Check();

    public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
    {
        var outcome = _program.Run(a0, a1, a2, a3);
        // The runner's maps belong to this patch: it must outlive the run (see ProgramRunner).
        GC.KeepAlive(this);
        return Decide(outcome, out result);
    }

    /// <summary>What the kind makes of a run: faults continue into the original and count towards the threshold.</summary>
    private bool Decide(RunResult outcome, out ulong result)
    {
        result = 0;
        if (!outcome.Ok)
        {
            RecordFault(outcome.Fault);
            return false;
        }
        if (Kind == PatchKind.Replace)
        {
            result = outcome.Value;
            return true;
        }
        if (Kind == PatchKind.Filter && FilterResult.TryGetReturn(outcome.Value, out uint value))
        {
            result = value;
            return true;
        }
        return false;
    }

    /// <summary>Calls, faults and budget overruns so far, over every thread.</summary>
    public ProgramStatistics Statistics() => _program.Statistics();

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
