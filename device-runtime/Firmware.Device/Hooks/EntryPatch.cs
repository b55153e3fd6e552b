using System.Runtime.InteropServices;
using Firmware.Ebpf.Jit;

namespace Firmware.Device.Hooks;

/// <summary>
/// Writes the branch at a function's entry with one aligned, single-copy-atomic store (the architecture's
/// <see cref="HookArchitecture"/> chose the word and checked its alignment), so a thread calling the
/// function fetches either the old entry or the branch, never a mix. The code page is writable only for
/// that store; the instruction cache is flushed after it (a no-op on x86-64, required on AArch64).
/// </summary>
internal static unsafe class EntryPatch
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private static readonly Lock PageLock = new();

    /// <summary>Stores the 8-byte <paramref name="value"/> at the 8-byte aligned <paramref name="word"/>.</summary>
    public static void Store(nint word, ulong value, string name) =>
        Store(word, sizeof(ulong), name, () => Interlocked.Exchange(ref *(ulong*)word, value));

    /// <summary>Stores the 4-byte <paramref name="value"/> at the 4-byte aligned <paramref name="word"/>.</summary>
    public static void Store(nint word, uint value, string name) =>
        Store(word, sizeof(uint), name, () => Interlocked.Exchange(ref *(uint*)word, value));

    private static void Store(nint word, int size, string name, Action store)
    {
        if ((word & (size - 1)) != 0)
            throw new HookException(name, $"0x{word:x} is not {size}-byte aligned; the entry cannot be written atomically");
        nint page = word & ~((nint)Environment.SystemPageSize - 1);
        lock (PageLock)
        {
            Protect(page, ProtRead | ProtWrite | ProtExec, name);
            store();
            Protect(page, ProtRead | ProtExec, name);
        }
        InstructionCache.Flush(word, size);
    }

    private static void Protect(nint page, int protection, string name)
    {
        if (mprotect(page, (nuint)Environment.SystemPageSize, protection) != 0)
            throw new HookException(name, $"mprotect of the code page 0x{page:x} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);
}
