using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Helpers;

/// <summary>
/// What a helper can see of the run that called it: the regions, the program's maps, where trace
/// output goes, and a slot for a fault. One per loaded program, reused across runs.
/// </summary>
public sealed class ExecutionContext
{
    public ExecutionContext(RegionTable regions, IReadOnlyList<Map> maps)
    {
        Regions = regions;
        Maps = maps;
    }

    public RegionTable Regions { get; }
    public IReadOnlyList<Map> Maps { get; }

    /// <summary>Receives trace_printk lines; null drops them.</summary>
    public Action<string>? Trace { get; set; }

    /// <summary>Set by a helper that refused its arguments; the engine turns it into the run's fault.</summary>
    public Fault PendingFault { get; private set; }

    /// <summary>Set by a helper that asks the program to stop now with r0 = 0 (the conformance runner's unwind).</summary>
    public bool Unwind { get; set; }

    public void Fail(FaultKind kind, ulong address = 0, int size = 0) => PendingFault = new Fault(kind, -1, address, size);

    public void ResetRun()
    {
        PendingFault = default;
        Unwind = false;
    }

    /// <summary>The map a handle (the value lddw gave the program) stands for, or null for anything else.</summary>
    public Map? MapFromHandle(ulong handle)
    {
        // Indexed, not foreach: enumerating through the interface would allocate on every helper call.
        for (int i = 0; i < Maps.Count; i++)
            if (Maps[i].Handle == handle) return Maps[i];
        return null;
    }

    /// <summary>
    /// A span over guest memory after checking [address, address + size) against the regions; on failure
    /// records a <see cref="FaultKind.HelperFault"/> and returns false.
    /// </summary>
    public unsafe bool TryGuestSpan(ulong address, ulong size, Memory.Access access, out Span<byte> span)
    {
        if (size <= int.MaxValue && Regions.Allows(address, size, access))
        {
            span = new Span<byte>((void*)address, (int)size);
            return true;
        }
        Fail(FaultKind.HelperFault, address, (int)Math.Min(size, int.MaxValue));
        span = default;
        return false;
    }
}
