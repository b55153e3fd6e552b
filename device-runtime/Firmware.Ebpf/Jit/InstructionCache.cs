using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// Makes freshly written code visible to instruction fetch. x86-64 keeps its caches coherent with stores;
/// AArch64 does not: the data cache lines must be cleaned to the point of unification and the instruction
/// cache lines invalidated (DC CVAU, DSB ISH, IC IVAU, DSB ISH, ISB), which libgcc's <c>__clear_cache</c>
/// does for a range. Every thread then fetches the new code: the caller's thread after the ISB, others
/// after the context synchronisation of their next exception return (any system call or interrupt).
/// <see cref="ExecutableMemory"/> flushes everything it maps; code patched in place (an inline hook's entry)
/// must be flushed by whoever patches it.
/// </summary>
public static class InstructionCache
{
    /// <summary>Flushes [address, address + length); a no-op where the caches are coherent (x86-64).</summary>
    public static void Flush(nint address, int length)
    {
        if (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 || length <= 0) return;
        ClearCache(address, address + length);
    }

    [DllImport("libgcc_s.so.1", EntryPoint = "__clear_cache")]
    private static extern void ClearCache(nint begin, nint end);
}
