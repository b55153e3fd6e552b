using System.Runtime.InteropServices;

namespace Firmware.Device.Hooks.X64;

/// <summary>
/// Writes the jmp rel32 at a function's entry. The five bytes lie in one aligned 8-byte word
/// (<see cref="PrologueRelocator"/> checked it) and are written with one atomic store, so a thread
/// calling the function sees either the old entry or the jump, never a mix. The code page is writable
/// only for that store.
/// </summary>
internal static unsafe class EntryPatch
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private static readonly Lock PageLock = new();

    public static void WriteJump(nint entry, nint target, string name)
    {
        long displacement = (long)target - ((long)entry + PrologueRelocator.JumpBytes);
        if (displacement is < int.MinValue or > int.MaxValue)
            throw new HookException(name, $"the stub at 0x{target:x} is out of rel32 reach of 0x{entry:x}");
        nint word = entry & ~7;
        int offset = (int)(entry - word);
        nint page = word & ~((nint)Environment.SystemPageSize - 1);
        lock (PageLock)
        {
            ulong old = *(ulong*)word;
            Span<byte> bytes = stackalloc byte[8];
            BitConverter.TryWriteBytes(bytes, old);
            bytes[offset] = 0xE9;
            BitConverter.TryWriteBytes(bytes[(offset + 1)..], (int)displacement);
            ulong patched = BitConverter.ToUInt64(bytes);
            Protect(page, ProtRead | ProtWrite | ProtExec, name);
            Interlocked.Exchange(ref *(ulong*)word, patched);
            Protect(page, ProtRead | ProtExec, name);
        }
    }

    private static void Protect(nint page, int protection, string name)
    {
        if (mprotect(page, (nuint)Environment.SystemPageSize, protection) != 0)
            throw new HookException(name, $"mprotect of the code page 0x{page:x} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);
}
