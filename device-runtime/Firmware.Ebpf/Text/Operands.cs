using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Text;

/// <summary>Numbers and registers as both syntaxes write them, parsed with range checks and printed as LLVM does.</summary>
internal static partial class Operands
{
    public const string NumberPattern = @"[+-]?\s*(?:0[xX][0-9a-fA-F]+|\d+)";

    [GeneratedRegex($"^{NumberPattern}$")]
    private static partial Regex Number();

    public static bool IsNumber(string text) => Number().IsMatch(text);

    /// <summary>
    /// A 32-bit immediate. Decimal must fit a signed int; hex may also be written unsigned
    /// (0xffffffff is -1), as bpf_conformance does.
    /// </summary>
    public static int Imm32(string text) =>
        unchecked((int)(long)Parse(text, int.MinValue, int.MaxValue, uint.MaxValue, "immediate"));

    /// <summary>
    /// The 64-bit immediate of lddw, with the same decimal/hex rule as <see cref="Imm32"/>. (BigInteger's
    /// &amp; works on two's complement, so the mask gives a negative value's 64-bit pattern.)
    /// </summary>
    public static long Imm64(string text) =>
        unchecked((long)(ulong)(Parse(text, long.MinValue, long.MaxValue, ulong.MaxValue, "immediate") & ulong.MaxValue));

    public static short Offset(string text) => (short)Parse(text, short.MinValue, short.MaxValue, short.MaxValue, "offset");

    /// <summary>A jump distance in slots, before it is known which field (offset or immediate) it goes to.</summary>
    public static long Distance(string text) => (long)Parse(text, int.MinValue, int.MaxValue, int.MaxValue, "jump distance");

    private static BigInteger Parse(string text, BigInteger min, BigInteger maxDecimal, BigInteger maxHex, string what)
    {
        string compact = text.Replace(" ", "").Replace("\t", "");
        if (!IsNumber(compact)) throw new SyntaxError($"'{text}' is not a number");
        bool negative = compact[0] == '-';
        string digits = compact.TrimStart('+', '-');
        bool hex = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        var magnitude = hex
            ? BigInteger.Parse("0" + digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        var value = negative ? -magnitude : magnitude;
        if (value < min || value > (hex ? maxHex : maxDecimal))
        {
            string hexRange = maxHex == maxDecimal ? "" : $", or up to 0x{maxHex.ToString("x", CultureInfo.InvariantCulture).TrimStart('0')} in hex";
            throw new SyntaxError($"{what} {text} is out of range ({min}..{maxDecimal}{hexRange})");
        }
        return value;
    }

    /// <summary>Register number from its digits; <paramref name="text"/> is the whole spelling, for the message.</summary>
    public static byte Register(string text, string digits)
    {
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number >= Isa.Register.Count)
            throw new SyntaxError($"invalid register '{text}'");
        return (byte)number;
    }

    /// <summary>LLVM's register names: r0..r10, and w0..w10 for the low 32 bits.</summary>
    public static string RegisterName(int register, bool wide) => (wide ? "r" : "w") + register.ToString(CultureInfo.InvariantCulture);

    /// <summary>LLVM prints every immediate and offset as signed hex: 0x10, -0x8.</summary>
    public static string Hex(long value) => value < 0
        ? "-0x" + unchecked((ulong)-value).ToString("x", CultureInfo.InvariantCulture)
        : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>A relative jump distance as LLVM prints it: always signed, +0x0 included.</summary>
    public static string SignedHex(long value) => value < 0 ? Hex(value) : "+" + Hex(value);
}
