using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// Native code pages: mapped read-write, filled, then switched to read-execute (never writable and
/// executable at once), unmapped on dispose. Code can be placed within ±2 GiB of a given address so
/// that a rel32 jump or call from there reaches it (inline hooks need their trampolines that close).
/// </summary>
public sealed unsafe class ExecutableMemory : IDisposable
{
    /// <summary>The reach of a rel32 displacement: every byte of the block must be this close to the target.</summary>
    public const long NearReach = int.MaxValue;

    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private static readonly nint MapFailed = -1;

    /// <summary>Hint addresses tried on each side of the target before giving up (steps of <see cref="HintStep"/>).</summary>
    private const int HintAttempts = 64;
    private const long HintStep = 16L << 20;

    private nint _address;
    private readonly nuint _mapped;

    private ExecutableMemory(nint address, int length, nuint mapped)
    {
        _address = address;
        Length = length;
        _mapped = mapped;
    }

    /// <summary>Start of the code; zero once disposed.</summary>
    public nint Address => _address;

    /// <summary>Bytes of code (the mapping is rounded up to whole pages).</summary>
    public int Length { get; }

    /// <summary>Maps <paramref name="code"/> anywhere the kernel likes.</summary>
    public static ExecutableMemory Create(ReadOnlySpan<byte> code) => Create(code, Map(0, PagesFor(code.Length)));

    /// <summary>
    /// Maps <paramref name="code"/> so that all of it lies within <see cref="NearReach"/> of
    /// <paramref name="target"/>; throws when no free address that close can be found.
    /// </summary>
    public static ExecutableMemory CreateNear(ReadOnlySpan<byte> code, nint target) =>
        Create(code, MapNear(target, PagesFor(code.Length)));

    /// <summary>
    /// Maps room for <paramref name="capacity"/> bytes near <paramref name="target"/> first, then fills it
    /// with what <paramref name="encodeAt"/> produces for that address: for code whose bytes depend on where
    /// it lives (relocated instructions, rel32 jumps back to the target).
    /// </summary>
    public static ExecutableMemory CreateNear(nint target, int capacity, Func<ulong, byte[]> encodeAt)
    {
        (nint Address, nuint Size) mapping = MapNear(target, PagesFor(capacity));
        byte[] code;
        try
        {
            code = encodeAt((ulong)mapping.Address);
            if ((nuint)code.Length > mapping.Size)
                throw new InvalidOperationException($"{code.Length} bytes of code do not fit the {mapping.Size} bytes reserved");
        }
        catch
        {
            munmap(mapping.Address, mapping.Size);
            throw;
        }
        return Create(code, mapping);
    }

    /// <summary>Whether [Address, Address + Length) is within rel32 reach of <paramref name="target"/>.</summary>
    public bool IsNear(nint target) => IsNear(_address, (nuint)Length, target);

    private static ExecutableMemory Create(ReadOnlySpan<byte> code, (nint Address, nuint Size) mapping)
    {
        code.CopyTo(new Span<byte>((void*)mapping.Address, code.Length));
        if (mprotect(mapping.Address, mapping.Size, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            munmap(mapping.Address, mapping.Size);
            throw new InvalidOperationException($"mprotect(PROT_READ|PROT_EXEC) failed: errno {errno}");
        }
        return new ExecutableMemory(mapping.Address, code.Length, mapping.Size);
    }

    private static nuint PagesFor(int length)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        return ((nuint)Math.Max(length, 1) + page - 1) / page * page;
    }

    private static (nint, nuint) Map(nint hint, nuint size)
    {
        nint address = mmap(hint, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (address == MapFailed)
            throw new InvalidOperationException($"mmap of {size} bytes failed: errno {Marshal.GetLastPInvokeError()}");
        return (address, size);
    }

    /// <summary>Tries hints alternately above and below the target; Linux honours a hint when that range is free.</summary>
    private static (nint, nuint) MapNear(nint target, nuint size)
    {
        long page = Environment.SystemPageSize;
        long origin = (long)target & ~(page - 1);
        for (int attempt = 0; attempt < 2 * HintAttempts; attempt++)
        {
            long distance = (attempt / 2 + 1) * HintStep;
            long hint = attempt % 2 == 0 ? origin + distance : origin - distance - (long)size;
            if (hint <= 0) continue;
            var (address, mapped) = Map((nint)hint, size);
            if (IsNear(address, mapped, target)) return (address, mapped);
            munmap(address, mapped);
        }
        throw new InvalidOperationException($"no free memory within ±2 GiB of 0x{target:x}");
    }

    private static bool IsNear(nint address, nuint size, nint target)
    {
        long start = (long)address - (long)target, end = start + (long)size;
        return Math.Abs(start) <= NearReach && Math.Abs(end) <= NearReach;
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    ~ExecutableMemory() => Release();

    private void Release()
    {
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address != 0) munmap(address, _mapped);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(nint address, nuint length);
}
