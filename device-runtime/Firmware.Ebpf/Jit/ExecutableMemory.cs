using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// Native code pages: mapped read-write, filled, then switched to read-execute (never writable and
/// executable at once) with the instruction cache flushed (<see cref="InstructionCache"/>), unmapped on dispose. Code can be
/// placed within a branch's reach of a given address (±2 GiB for x86-64's rel32, ±128 MiB for A64's B) so that a
/// jump or call from there reaches it (inline hooks need their trampolines that close), in a <see cref="CodeArena"/>
/// set aside there or in a free gap found near it.
/// </summary>
public sealed unsafe class ExecutableMemory : IDisposable
{
    /// <summary>The reach of x86-64's rel32 displacement, the default for near code.</summary>
    public const long Rel32Reach = int.MaxValue;

    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20, MapFixedNoReplace = 0x100000;
    private static readonly nint MapFailed = -1;

    /// <summary>Free gaps tried, nearest first, before giving up.</summary>
    private const int HintAttempts = 64;

    private nint _address;
    private readonly Pages _pages;

    private ExecutableMemory(Pages pages, int length)
    {
        _address = pages.Address;
        Length = length;
        _pages = pages;
    }

    /// <summary>Start of the code; zero once disposed.</summary>
    public nint Address => _address;

    /// <summary>Bytes of code (the mapping is rounded up to whole pages).</summary>
    public int Length { get; }

    /// <summary>Maps <paramref name="code"/> anywhere the kernel likes.</summary>
    public static ExecutableMemory Create(ReadOnlySpan<byte> code) => Create(code, Map(PagesFor(code.Length)));

    /// <summary>
    /// Takes room for <paramref name="capacity"/> bytes within <paramref name="reach"/> bytes of <paramref name="target"/>
    /// first (from <paramref name="arena"/> when it has pages that close, else a free gap is mapped), then fills
    /// it with what <paramref name="encodeAt"/> produces for that address: for code whose bytes depend on where
    /// it lives (relocated instructions, branches back to the target).
    /// </summary>
    public static ExecutableMemory CreateNear(nint target, int capacity, long reach, Func<ulong, byte[]> encodeAt, CodeArena? arena = null)
    {
        nuint size = PagesFor(capacity);
        Pages pages = arena?.TryTake(size, target, reach) is { } taken ? new Pages(taken, size, arena) : MapNear(target, size, reach);
        byte[] code;
        try
        {
            code = encodeAt((ulong)pages.Address);
            if ((nuint)code.Length > pages.Size)
                throw new InvalidOperationException($"{code.Length} bytes of code do not fit the {pages.Size} bytes reserved");
        }
        catch
        {
            pages.Release();
            throw;
        }
        return Create(code, pages);
    }

    /// <summary>Whether [Address, Address + Length) is within <paramref name="reach"/> bytes of <paramref name="target"/>.</summary>
    public bool IsNear(nint target, long reach = Rel32Reach) => IsNear(_address, (nuint)Length, target, reach);

    private static ExecutableMemory Create(ReadOnlySpan<byte> code, Pages pages)
    {
        code.CopyTo(new Span<byte>((void*)pages.Address, code.Length));
        if (mprotect(pages.Address, pages.Size, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            pages.Release();
            throw new InvalidOperationException($"mprotect(PROT_READ|PROT_EXEC) failed: errno {errno}");
        }
        InstructionCache.Flush(pages.Address, code.Length);
        return new ExecutableMemory(pages, code.Length);
    }

    private static nuint PagesFor(int length)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        return ((nuint)Math.Max(length, 1) + page - 1) / page * page;
    }

    private static Pages Map(nuint size)
    {
        nint address = mmap(0, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (address == MapFailed)
            throw new InvalidOperationException($"mmap of {size} bytes failed: errno {Marshal.GetLastPInvokeError()}");
        return new Pages(address, size, null);
    }

    /// <summary>Where code lives: a mapping of its own (unmapped on release) or pages of an arena (handed back).</summary>
    private readonly record struct Pages(nint Address, nuint Size, CodeArena? Arena)
    {
        public void Release()
        {
            if (Arena is not null) Arena.Return(Address, Size);
            else munmap(Address, Size);
        }
    }

    /// <summary>
    /// Maps at the free address closest to the target: the gaps between this process's mappings
    /// (/proc/self/maps) give the candidates, and Linux honours a hint when the range is free. Guessing
    /// hints instead fails in crowded address spaces (many libraries, the GC's reservations).
    /// </summary>
    private static Pages MapNear(nint target, nuint size, long reach)
    {
        int tried = 0, errno = 0;
        // Other threads (the runtime's GC and JIT) map memory too: a gap seen in /proc/self/maps can be
        // taken before we get to it, so read the maps again a few times.
        for (int round = 0; round < MapRounds; round++)
            foreach (long hint in FreeAddressesNear((long)target, (long)size, reach).Take(HintAttempts))
            {
                tried++;
                nint address = mmap((nint)hint, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapFixedNoReplace, -1, 0);
                if (address == MapFailed)
                {
                    errno = Marshal.GetLastPInvokeError();
                    continue;
                }
                if (address == (nint)hint) return new Pages(address, size, null);
                munmap(address, size); // a kernel before 4.17 treats the flag as a hint
            }
        throw new InvalidOperationException($"no free memory within ±{reach >> 20} MiB of 0x{target:x} ({tried} free gaps tried, last errno {errno})");
    }

    private const int MapRounds = 8;

    /// <summary>In each gap between mappings, the page-aligned start closest to the target where <paramref name="size"/> bytes fit; nearest first.</summary>
    private static IEnumerable<long> FreeAddressesNear(long target, long size, long reach)
    {
        long page = Environment.SystemPageSize;
        var candidates = new List<long>();
        long gapStart = LowestAddress;
        foreach (var (start, end) in Mappings())
        {
            if (start - gapStart >= size)
                candidates.Add(Math.Clamp(target & ~(page - 1), gapStart, start - size));
            gapStart = Math.Max(gapStart, end);
        }
        return candidates.Where(c => IsNear((nint)c, (nuint)size, (nint)target, reach)).OrderBy(c => Math.Abs(c - target));
    }

    /// <summary>Below this, mmap hints are refused (vm.mmap_min_addr) or collide with the executable.</summary>
    private const long LowestAddress = 1L << 32;

    private static IEnumerable<(long Start, long End)> Mappings() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line[..line.IndexOf(' ')].Split('-'))
            .Select(range => (Convert.ToInt64(range[0], 16), Convert.ToInt64(range[1], 16)))
            .Where(range => range.Item1 >= 0 && range.Item2 > 0)
            .OrderBy(range => range.Item1)
            .ToList();

    internal static bool IsNear(nint address, nuint size, nint target, long reach)
    {
        long start = (long)address - (long)target, end = start + (long)size;
        return Math.Abs(start) <= reach && Math.Abs(end) <= reach;
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    ~ExecutableMemory() => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _address, 0) != 0) _pages.Release();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(nint address, nuint length);
}
