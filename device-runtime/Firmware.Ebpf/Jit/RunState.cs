using System.Numerics;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// The native block compiled code works from, one per engine, allocated once and reused by every run
/// (the hot path allocates nothing). Compiled code addresses it through one register; the fields are at
/// fixed offsets (the <c>*Offset</c> constants below). The header is followed by one 8-byte region cache
/// slot per checked access site (see <see cref="RegionEntry"/>).
/// In: written by the engine before a run. Out: read by the engine after it. Code: private to compiled code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RunState
{
    /// <summary>In: the run's instruction budget (<see cref="Engine.ExecutionLimits"/>).</summary>
    public long Budget;
    /// <summary>In: r10 of the outermost frame.</summary>
    public ulong StackTop;
    /// <summary>In: <see cref="HelperBridge"/>'s entry point, called for every helper the code does not inline.</summary>
    public nint HelperEntry;
    /// <summary>In: a GCHandle to the <see cref="JitEngine"/>, for the helper bridge.</summary>
    public nint Engine;
    /// <summary>In: the first <see cref="RegionEntry"/> and one past the last live one.</summary>
    public nint RegionsBegin, RegionsEnd;
    /// <summary>Code: the native stack pointer after the prologue; a fault exit restores it from any call depth.</summary>
    public nint SavedStackPointer;
    /// <summary>Code: local calls in progress (the interpreter's frame depth).</summary>
    public int Depth;
    /// <summary>Code → bridge: index of the helper to call, or <see cref="Callx"/> to resolve <see cref="CallxId"/>.</summary>
    public int HelperIndex;
    /// <summary>Code → bridge: the helper number a callx named.</summary>
    public ulong CallxId;
    /// <summary>Bridge → code: <see cref="HelperStatus"/> after a helper call; non-zero stops the run.</summary>
    public int HelperStatus;
    /// <summary>Out: the <see cref="ExitSite"/> index the run stopped at, or -1 when it reached exit.</summary>
    public int ExitSite;
    /// <summary>Out: the guest address of a memory fault.</summary>
    public ulong FaultAddress;

    public const int Callx = -1;

    public static readonly int BudgetOffset = Offset(nameof(Budget));
    public static readonly int StackTopOffset = Offset(nameof(StackTop));
    public static readonly int HelperEntryOffset = Offset(nameof(HelperEntry));
    public static readonly int RegionsBeginOffset = Offset(nameof(RegionsBegin));
    public static readonly int RegionsEndOffset = Offset(nameof(RegionsEnd));
    public static readonly int SavedStackPointerOffset = Offset(nameof(SavedStackPointer));
    public static readonly int DepthOffset = Offset(nameof(Depth));
    public static readonly int HelperIndexOffset = Offset(nameof(HelperIndex));
    public static readonly int CallxIdOffset = Offset(nameof(CallxId));
    public static readonly int HelperStatusOffset = Offset(nameof(HelperStatus));
    public static readonly int ExitSiteOffset = Offset(nameof(ExitSite));
    public static readonly int FaultAddressOffset = Offset(nameof(FaultAddress));

    /// <summary>Where the region cache slot of access site <paramref name="slot"/> lives, from the start of the state.</summary>
    public static int CacheOffset(int slot) => Marshal.SizeOf<RunState>() + slot * sizeof(ulong);

    public static int SizeWithCaches(int slots) => CacheOffset(slots);

    private static int Offset(string field) => (int)Marshal.OffsetOf<RunState>(field);
}

/// <summary>What a helper call left for compiled code to act on.</summary>
internal enum HelperStatus
{
    Continue = 0,
    /// <summary>The helper set a pending fault or asked to unwind: the engine reads which from the context.</summary>
    Stopped = 1,
    /// <summary>A callx named a helper the instance does not provide.</summary>
    UnknownHelper = 2,
    /// <summary>The helper threw; the engine rethrows after compiled code has returned.</summary>
    Threw = 3,
}

/// <summary>
/// One region as compiled code checks it: an access of <c>size</c> bytes at <c>address</c> with rights
/// <c>access</c> is inside iff <c>address - Start &lt; Limit(access, size)</c> (unsigned), where the limit is
/// the number of valid start offsets (<c>Length - size + 1</c>, or 0 when the region is too small or lacks
/// the rights). That is the interpreter's test with the subtraction done ahead of time.
/// Every checked access site has a cache slot holding the address of the entry that last satisfied it;
/// the inline check tries that entry and falls back to scanning [RegionsBegin, RegionsEnd), which
/// updates the slot. The slot is only a guess: the check itself decides.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RegionEntry
{
    public ulong Start;
    /// <summary>[access row][log2 size]: rows Read, Write, ReadWrite (atomics); sizes 1, 2, 4, 8.</summary>
    public fixed ulong Limits[Rows * Sizes];

    private const int Rows = 3, Sizes = 4;

    public static int Size => sizeof(RegionEntry);

    /// <summary>Byte offset, within an entry, of the limit for this access right and size.</summary>
    public static int LimitOffset(Access access, int size) =>
        sizeof(ulong) * (1 + Row(access) * Sizes + BitOperations.Log2((uint)size));

    /// <summary>The entry for a region (on the run path: straight-line, no allocation).</summary>
    public static RegionEntry For(Region region)
    {
        var entry = new RegionEntry { Start = region.Start };
        ulong length = region.Length;
        bool read = (region.Access & Access.Read) != 0, write = (region.Access & Access.Write) != 0;
        for (int log = 0; log < Sizes; log++)
        {
            ulong size = 1UL << log;
            ulong limit = length >= size ? length - size + 1 : 0;
            entry.Limits[Row(Access.Read) * Sizes + log] = read ? limit : 0;
            entry.Limits[Row(Access.Write) * Sizes + log] = write ? limit : 0;
            entry.Limits[Row(Access.ReadWrite) * Sizes + log] = read && write ? limit : 0;
        }
        return entry;
    }

    private static int Row(Access access) => access switch
    {
        Access.Read => 0,
        Access.Write => 1,
        _ => 2,
    };
}
