using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// Whole pages inside memory the process already owns (the firmware library's <c>fw_hook_arena</c>), set
/// aside for code that must lie within a branch's reach of that memory. Searching for a free gap next to a
/// library fails in a crowded address space: the .NET runtime reserves gigabytes on both sides of where
/// libraries land (its GC heap, and code space near libcoreclr), and measured runs of fwagent found 0–4 MiB
/// free within ±2 GiB of the firmware in half of them. An arena in the library's own image is always there.
/// </summary>
/// <remarks>
/// Pages are handed out as runs and come back, read-write and zeroed, when their <see cref="ExecutableMemory"/>
/// is disposed. The arena never unmaps anything: the memory is its owner's.
/// </remarks>
public sealed unsafe class CodeArena
{
    private const int ProtRead = 1, ProtWrite = 2;

    /// <summary>Pages are tracked in one word.</summary>
    public const int MaxPages = 64;

    private readonly nint _start;
    private readonly int _pages;
    private readonly nuint _pageSize;
    private readonly Lock _lock = new();
    private ulong _used;

    private CodeArena(nint start, int pages, nuint pageSize)
    {
        _start = start;
        _pages = pages;
        _pageSize = pageSize;
    }

    /// <summary>
    /// The whole pages (at most <see cref="MaxPages"/>) inside [<paramref name="start"/>, +<paramref name="length"/>),
    /// which must be readable and writable memory nothing else uses; null when no whole page fits.
    /// </summary>
    public static CodeArena? Within(nint start, nuint length)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        nuint first = ((nuint)start + page - 1) & ~(page - 1), end = ((nuint)start + length) & ~(page - 1);
        if (end <= first) return null;
        return new CodeArena((nint)first, (int)Math.Min((end - first) / page, MaxPages), page);
    }

    public nint Start => _start;

    public nuint Length => (nuint)_pages * _pageSize;

    /// <summary>Pages not handed out.</summary>
    public int FreePages
    {
        get
        {
            lock (_lock) return _pages - (int)ulong.PopCount(_used);
        }
    }

    /// <summary>
    /// A run of free pages for <paramref name="size"/> bytes (whole pages) that lies within <paramref name="reach"/>
    /// of <paramref name="target"/>, marked used; null when none does.
    /// </summary>
    internal nint? TryTake(nuint size, nint target, long reach)
    {
        int count = (int)(size / _pageSize);
        ulong run = Run(count);
        lock (_lock)
            for (int first = 0; first + count <= _pages; first++)
            {
                nint address = _start + (nint)((nuint)first * _pageSize);
                if ((_used & (run << first)) != 0 || !ExecutableMemory.IsNear(address, size, target, reach)) continue;
                _used |= run << first;
                return address;
            }
        return null;
    }

    /// <summary>Makes the pages writable and zero again and hands them back.</summary>
    internal void Return(nint address, nuint size)
    {
        if (mprotect(address, size, ProtRead | ProtWrite) != 0)
            return; // still read-execute: keep them out of use rather than hand out pages that cannot be written
        new Span<byte>((void*)address, (int)size).Clear();
        int first = (int)((nuint)(address - _start) / _pageSize);
        ulong run = Run((int)(size / _pageSize));
        lock (_lock) _used &= ~(run << first);
    }

    /// <summary>The bits of <paramref name="count"/> consecutive pages, starting at bit 0.</summary>
    private static ulong Run(int count) => count >= MaxPages ? ulong.MaxValue : (1UL << count) - 1;

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);
}
