using Firmware.Nano.Maps;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Helpers;

/// <summary>Receives the lines trace helpers print (the firmware's debug port, a log, ...).</summary>
public delegate void TraceSink(string line);

/// <summary>
/// What a helper sees of the run that called it: the regions, the program's maps, the trace sink, and the
/// slots through which it refuses its arguments or stops the program. One per instance, reused across runs.
/// </summary>
public sealed class HelperContext
{
    public HelperContext(RegionTable regions, Map[] maps)
    {
        Regions = regions;
        Maps = maps;
    }

    public RegionTable Regions { get; }
    public Map[] Maps { get; }

    /// <summary>Where trace output goes; null drops it.</summary>
    public TraceSink Trace { get; set; }

    /// <summary>Set by <see cref="Fail"/>; the interpreter turns it into the run's fault at the call.</summary>
    public FaultKind PendingFault { get; private set; }
    public ulong PendingAddress { get; private set; }
    public int PendingSize { get; private set; }

    /// <summary>Set by a helper that stops the program now with r0 = its return value.</summary>
    public bool Unwind { get; set; }

    public void Fail(FaultKind kind, ulong address, int size)
    {
        PendingFault = kind;
        PendingAddress = address;
        PendingSize = size;
    }

    public void ResetRun()
    {
        PendingFault = FaultKind.None;
        Unwind = false;
    }

    /// <summary>The map a handle stands for; otherwise records a helper fault and returns null (0 never names a map).</summary>
    public Map MapFromHandle(ulong handle)
    {
        if (handle != 0)
            for (int i = 0; i < Maps.Length; i++)
                if (Maps[i].Handle == handle) return Maps[i];
        Fail(FaultKind.HelperFault, handle, 0);
        return null;
    }

    /// <summary>
    /// The region holding guest memory [address, address + size) with the rights asked for; otherwise records
    /// a helper fault and returns null. The bytes start at region.Data[region.IndexOf(address)].
    /// </summary>
    public Region Guest(ulong address, ulong size, Access access)
    {
        var region = size <= int.MaxValue ? Regions.Find(address, size, access) : null;
        if (region == null) Fail(FaultKind.HelperFault, address, size <= int.MaxValue ? (int)size : int.MaxValue);
        return region;
    }
}
