using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Firmware.Ebpf.Isa;

/// <summary>
/// The RFC 9669 rules that differ from C#'s own operators: division and modulo by zero (section 4.1:
/// x / 0 = 0, x % 0 = x), INT_MIN / -1 (no trap: INT_MIN, remainder 0), and byte swaps. The
/// interpreter calls these; the JITs emit code that matches them, and the tests hold both to them.
/// </summary>
public static class Semantics
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Div64(ulong a, ulong b) => b == 0 ? 0 : a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mod64(ulong a, ulong b) => b == 0 ? a : a % b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Div32(uint a, uint b) => b == 0 ? 0 : a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mod32(uint a, uint b) => b == 0 ? a : a % b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SDiv64(long a, long b) => (ulong)(b switch
    {
        0 => 0,
        -1 => unchecked(-a),
        _ => a / b,
    });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SMod64(long a, long b) => (ulong)(b switch
    {
        0 => a,
        -1 => 0,
        _ => a % b,
    });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SDiv32(int a, int b) => (uint)(b switch
    {
        0 => 0,
        -1 => unchecked(-a),
        _ => a / b,
    });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SMod32(int a, int b) => (uint)(b switch
    {
        0 => a,
        -1 => 0,
        _ => a % b,
    });

    /// <summary>le/be: convert to the given byte order and truncate to the width; bswap: swap unconditionally.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Swap(ulong value, int width, bool swap) => width switch
    {
        16 => swap ? BinaryPrimitives.ReverseEndianness((ushort)value) : (ushort)value,
        32 => swap ? BinaryPrimitives.ReverseEndianness((uint)value) : (uint)value,
        _ => swap ? BinaryPrimitives.ReverseEndianness(value) : value,
    };

    /// <summary>Whether a le (source K) or be (source X) conversion swaps bytes on this host.</summary>
    public static bool EndSwaps(OperandSource source) =>
        (source == OperandSource.X) == BitConverter.IsLittleEndian;
}
