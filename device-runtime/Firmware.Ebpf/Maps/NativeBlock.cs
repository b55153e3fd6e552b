using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// Zeroed, 8-byte aligned native memory for map storage. Native because programs (and JIT code) hold raw
/// addresses into it: managed memory could move under them.
/// </summary>
internal static unsafe class NativeBlock
{
    public static byte* Allocate(ulong length)
    {
        // AlignedAlloc(0) may return null; one byte keeps "allocated" and "null" distinct.
        var pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), 8);
        NativeMemory.Clear(pointer, (nuint)length);
        return pointer;
    }

    public static void Free(ref byte* pointer)
    {
        if (pointer == null) return;
        NativeMemory.AlignedFree(pointer);
        pointer = null;
    }

    /// <summary>Element stride: values start 8-aligned so programs can load 64-bit fields from them.</summary>
    public static ulong Stride(uint size) => ((ulong)size + 7) & ~7UL;
}
