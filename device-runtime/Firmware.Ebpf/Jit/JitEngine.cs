using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// Runs a <see cref="JitProgram"/>: prepares the <see cref="RunState"/> (budget, the run's regions),
/// calls the code, and turns the exit site it reports into the same <see cref="RunResult"/> the
/// interpreter returns. Architecture-neutral: every JIT's code has the same entry signature and state.
/// One run at a time per engine, as for the instance's region table.
/// </summary>
public sealed unsafe class JitEngine : IEngine
{
    private readonly JitProgram _program;
    private readonly ExecutableMemory _code;
    private readonly delegate* unmanaged<ulong, ulong, ulong, ulong, ulong, RunState*, ulong> _entry;
    /// <summary>The same entry without a GC transition, for <see cref="JitProgram.Brief"/> code; null otherwise.</summary>
    private readonly delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong, RunState*, ulong> _briefEntry;
    private GCHandle _self;
    private RunState* _state;
    private RegionEntry* _regions;
    private int _regionCapacity;
    /// <summary>Entries holding a region in the last run; those past the current run's count are cleared.</summary>
    private int _regionsFilled;
    /// <summary>The regions the entries were made from (a hook often passes the same context every call).</summary>
    private Region[] _loaded = [];
    private ExceptionDispatchInfo? _helperException;

    internal JitEngine(string name, ProgramInstance instance, JitProgram program, ExecutableMemory code)
    {
        Name = name;
        Instance = instance;
        _program = program;
        _code = code;
        _entry = (delegate* unmanaged<ulong, ulong, ulong, ulong, ulong, RunState*, ulong>)code.Address;
        if (program.Brief)
            _briefEntry = (delegate* unmanaged[SuppressGCTransition]<ulong, ulong, ulong, ulong, ulong, RunState*, ulong>)code.Address;
        _self = GCHandle.Alloc(this, GCHandleType.Weak);
        _state = (RunState*)NativeMemory.AllocZeroed((nuint)RunState.SizeWithCaches(program.CacheSlots));
        _state->StackTop = instance.StackTop;
        _state->HelperEntry = HelperBridge.Entry;
        _state->Engine = GCHandle.ToIntPtr(_self);
        // Room for the fixed regions and one per-run region, the entry the caches start on.
        GrowRegions(Math.Max(instance.Regions.Count, instance.FixedRegionCount + 1));
    }

    public string Name { get; }
    public ProgramInstance Instance { get; }

    /// <summary>Where the machine code lives (for disassembly and tests).</summary>
    public ExecutableMemory Code => _code;

    public RunResult Execute(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        ObjectDisposedException.ThrowIf(_state is null, this);
        LoadRunRegions();
        var state = _state;
        state->Budget = Instance.Limits.InstructionBudget;
        state->Depth = 0;
        state->HelperStatus = (int)HelperStatus.Continue;
        state->ExitSite = -1;
        ulong r0 = _briefEntry is not null ? _briefEntry(r1, r2, r3, r4, r5, state) : _entry(r1, r2, r3, r4, r5, state);
        var result = state->ExitSite < 0 ? RunResult.Success(r0) : Stopped(_program.ExitSites[state->ExitSite], r0);
        GC.KeepAlive(this);
        return result;
    }

    /// <summary>The outcome at an exit site; for helper calls, the interpreter's order: exception, unknown helper, pending fault, unwind.</summary>
    private RunResult Stopped(ExitSite site, ulong r0)
    {
        if (!site.IsHelperCall) return RunResult.Failed(site.ToFault(_state->FaultAddress));
        switch ((HelperStatus)_state->HelperStatus)
        {
            case HelperStatus.Threw:
                var exception = _helperException!;
                _helperException = null;
                exception.Throw();
                break;
            case HelperStatus.UnknownHelper:
                return RunResult.Failed(new Fault(FaultKind.UnknownHelper, site.Instruction, _state->CallxId));
        }
        var pending = Instance.Context.PendingFault;
        return pending.IsFault ? RunResult.Failed(pending with { Instruction = site.Instruction }) : RunResult.Success(r0);
    }

    /// <summary>Called by <see cref="HelperBridge"/> on the run's thread, inside <see cref="Execute"/>.</summary>
    internal ulong InvokeHelper(RunState* state, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        try
        {
            var helper = state->HelperIndex == RunState.Callx ? FindCallx(state->CallxId) : _program.Helpers[state->HelperIndex];
            if (helper is null)
            {
                state->HelperStatus = (int)HelperStatus.UnknownHelper;
                return 0;
            }
            var context = Instance.Context;
            ulong r0 = helper.Invoke(context, r1, r2, r3, r4, r5);
            if (context.PendingFault.IsFault || context.Unwind) state->HelperStatus = (int)HelperStatus.Stopped;
            return r0;
        }
        catch (Exception e)
        {
            // An exception must not unwind through native frames: carry it over to Execute.
            _helperException = ExceptionDispatchInfo.Capture(e);
            state->HelperStatus = (int)HelperStatus.Threw;
            return 0;
        }
    }

    private Helper? FindCallx(ulong id) => id <= int.MaxValue ? Instance.Helpers.Find((int)id) : null;

    /// <summary>Copies the per-run regions (after the fixed ones) into the entries compiled code scans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LoadRunRegions()
    {
        var regions = Instance.Regions.Regions;
        if (regions.Length > _regionCapacity) GrowRegions(regions.Length);
        for (int i = Instance.FixedRegionCount; i < regions.Length; i++)
            if (i >= _regionsFilled || _loaded[i] != regions[i])
            {
                _regions[i] = RegionEntry.For(regions[i]);
                _loaded[i] = regions[i];
            }
        for (int i = regions.Length; i < _regionsFilled; i++)
            _regions[i] = default; // all limits 0: a stale entry admits nothing
        _regionsFilled = regions.Length;
        _state->RegionsEnd = (nint)(_regions + regions.Length);
    }

    /// <summary>(Re)allocates the entries with the fixed regions in place and points every cache slot at the first per-run entry.</summary>
    private void GrowRegions(int count)
    {
        int capacity = Math.Max(count, _regionCapacity * 2);
        var regions = (RegionEntry*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)RegionEntry.Size);
        var table = Instance.Regions.Regions;
        for (int i = 0; i < Instance.FixedRegionCount; i++)
            regions[i] = RegionEntry.For(table[i]);
        NativeMemory.Free(_regions);
        _regions = regions;
        _regionCapacity = capacity;
        _loaded = new Region[capacity];
        _regionsFilled = Instance.FixedRegionCount;
        _state->RegionsBegin = (nint)regions;
        _state->RegionsEnd = (nint)(regions + Instance.FixedRegionCount);
        var caches = (nint*)((byte*)_state + RunState.CacheOffset(0));
        for (int slot = 0; slot < _program.CacheSlots; slot++)
            caches[slot] = (nint)(regions + Instance.FixedRegionCount);
    }

    public void Dispose()
    {
        Release();
        _code.Dispose();
        GC.SuppressFinalize(this);
    }

    ~JitEngine() => Release();

    private void Release()
    {
        if (_state is null) return;
        NativeMemory.Free(_state);
        NativeMemory.Free(_regions);
        _state = null;
        _regions = null;
        _self.Free();
    }
}
