namespace Firmware.Nano.Isa;

/// <summary>
/// The RFC 9669 rules that differ from C#'s operators (division by zero, INT_MIN / -1, byte swaps), the
/// twin of Firmware.Ebpf.Isa.Semantics written without BinaryPrimitives or method-impl hints; the tests
/// hold the two to the same results.
/// </summary>
public static class Semantics
{
    public static ulong Div64(ulong a, ulong b) => b == 0 ? 0 : a / b;

    public static ulong Mod64(ulong a, ulong b) => b == 0 ? a : a % b;

    public static uint Div32(uint a, uint b) => b == 0 ? 0 : a / b;

    public static uint Mod32(uint a, uint b) => b == 0 ? a : a % b;

    public static ulong SDiv64(long a, long b) => b == 0 ? 0 : b == -1 ? (ulong)unchecked(-a) : (ulong)(a / b);

    public static ulong SMod64(long a, long b) => b == 0 ? (ulong)a : b == -1 ? 0 : (ulong)(a % b);

    public static uint SDiv32(int a, int b) => b == 0 ? 0 : b == -1 ? (uint)unchecked(-a) : (uint)(a / b);

    public static uint SMod32(int a, int b) => b == 0 ? (uint)a : b == -1 ? 0 : (uint)(a % b);

    /// <summary>le/be: truncate to the width, swapping when asked; bswap always swaps.</summary>
    public static ulong Swap(ulong value, int width, bool swap)
    {
        int bytes = width / 8;
        if (!swap) return bytes == 8 ? value : value & ((1UL << width) - 1);
        ulong result = 0;
        for (int i = 0; i < bytes; i++)
            result = (result << 8) | ((value >> (8 * i)) & 0xff);
        return result;
    }

    /// <summary>Whether le (source K) or be (source X) swaps: the guest is little-endian whatever the board is.</summary>
    public static bool EndSwaps(bool sourceIsX) => sourceIsX;
}
