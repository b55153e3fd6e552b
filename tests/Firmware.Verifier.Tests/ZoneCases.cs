namespace Firmware.Verifier.Tests;

/// <summary>
/// Labelled assembly for the zone (bounds on differences of two unknowns) and for stack runs filled out of
/// order, each with the unsafe twins it must still reject: the bound on the wrong register, one step off,
/// a side changed after the comparison, values that may wrap (a 64-bit value compared in 32 bits, an
/// unsigned comparison with a value that may be -1).
/// </summary>
public static class ZoneCases
{
    /// <summary>
    /// n = an input byte &amp; 31 (at least 1); fills a[0..n) of a 32-byte stack array, then reads a[i] for
    /// i from 0 while READ_TEST, after AFTER_FILL. Neither loop's bound is a constant: only i &lt; n relates them.
    /// </summary>
    private const string FillThenRead = """
        r0 = 0
        r6 = *(u8 *)(r1 + 0)
        r6 &= 31
        if r6 == 0 goto out
        r7 = *(u8 *)(r1 + 1)
        r7 &= 31
        r3 = 0
        fill:
        r4 = r10
        r4 += -32
        r4 += r3
        *(u8 *)(r4 + 0) = r3
        r3 += 1
        if r3 < r6 goto fill
        AFTER_FILL
        r3 = 0
        read:
        r4 = r10
        r4 += -32
        r4 += r3
        r5 = *(u8 *)(r4 + 0)
        r0 += r5
        r3 += 1
        READ_TEST
        out:
        exit
        """;

    private static string FillRead(string readTest = "if r3 < r6 goto read", string afterFill = "") =>
        FillThenRead.Replace("READ_TEST", readTest).Replace("AFTER_FILL", afterFill);

    /// <summary>
    /// The packet hook (r2 = buffer, r3 = its length, unknown): with the length at most 4096 and not 0,
    /// reads buffer[i] for i from 0 while TEST, doing STEP before the read.
    /// </summary>
    private static string BufferWalk(string test = "if r4 < r3 goto loop", string step = "") =>
        $"r0 = 0\nif r3 > 4096 goto out\nif r3 == 0 goto out\nr7 = *(u8 *)(r2 + 0)\nr4 = 0\nloop:\n{step}\n" +
        $"r5 = r2\nr5 += r4\nr6 = *(u8 *)(r5 + 0)\nr0 += r6\nr4 += 1\n{test}\nout:\nexit";

    /// <summary>The packet hook: reads buffer[k] for an index k loaded as LOAD, after TEST (k below the length) holds.</summary>
    private static string CheckedIndex(string load, string test) =>
        $"r0 = 0\nif r3 > 4096 goto out\nif r3 == 0 goto out\n{load}\n{test}\nr2 += r4\nr0 = *(u8 *)(r2 + 0)\nout:\nexit";

    /// <summary>A 16-byte stack array filled 4 bytes per iteration in the order ORDER (offsets from the element), then read whole.</summary>
    private static string OutOfOrderFill(string order) =>
        "r3 = 0\nloop:\nr4 = r10\nr4 += -16\nr4 += r3\n" +
        string.Concat(order.Split(',').Select(k => $"*(u8 *)(r4 + {k}) = 1\n")) +
        "r3 += 4\nif r3 < 16 goto loop\nr0 = *(u64 *)(r10 - 16)\nr1 = *(u64 *)(r10 - 8)\nr0 += r1\nexit";

    public static readonly AsmCase[] All =
    [
        new("stack array filled to an unknown n, read while i < n", FillRead(), null),
        new("stack array filled to an unknown n, read while i <= n", FillRead("if r3 <= r6 goto read"), "uninitialized stack byte"),
        new("stack array filled to an unknown n, read while i < another unknown", FillRead("if r3 < r7 goto read"), "uninitialized stack byte"),
        new("stack array filled to an unknown n, n reloaded before the read",
            FillRead(afterFill: "r6 = *(u8 *)(r1 + 2)\nr6 &= 31\nif r6 == 0 goto out"), "uninitialized stack byte"),
        new("stack array filled to an unknown n, read while i < n in 32 bits", FillRead("if w3 < w6 goto read"), null),

        new("buffer walked while i < its unknown length", BufferWalk(), null, AsmCase.PacketHook),
        new("buffer walked while i <= its unknown length", BufferWalk("if r4 <= r3 goto loop"), "outside the buffer", AsmCase.PacketHook),
        new("buffer walked while i < another unknown", BufferWalk("if r4 < r7 goto loop"), "outside the buffer", AsmCase.PacketHook),
        new("buffer walked while i < its length, i moved after the check", BufferWalk(step: "r4 += r7"), "outside the buffer", AsmCase.PacketHook),
        new("buffer index below a length copy", CheckedIndex("r4 = *(u8 *)(r2 + 0)", "r5 = r3\nif r4 >= r5 goto out"), null, AsmCase.PacketHook),
        new("buffer index at most the length minus one, the length not 0", CheckedIndex("r4 = *(u8 *)(r2 + 0)", "r5 = r3\nr5 -= 1\nif r4 > r5 goto out"), null, AsmCase.PacketHook),
        new("buffer index at most the length minus one, which may wrap to -1",
            "r0 = 0\nif r3 > 4096 goto out\nr4 = *(u8 *)(r2 + 0)\nr5 = r3\nr5 -= 1\nif r4 > r5 goto out\nr2 += r4\nr0 = *(u8 *)(r2 + 0)\nout:\nexit",
            "outside the buffer", AsmCase.PacketHook),
        new("buffer index below the length in 32 bits, both 32-bit values", CheckedIndex("r4 = *(u8 *)(r2 + 0)", "if w4 >= w3 goto out"), null, AsmCase.PacketHook),
        new("buffer index below the length in 32 bits, the index a 64-bit value",
            CheckedIndex("r4 = *(u8 *)(r2 + 0)\nr4 <<= 32", "if w4 >= w3 goto out"), "unbounded offset", AsmCase.PacketHook),

        new("stack array filled 4 bytes per iteration out of order", OutOfOrderFill("3,0,2,1"), null),
        new("stack array filled 4 bytes per iteration out of order with a gap", OutOfOrderFill("3,0,1"), "uninitialized stack byte"),
        new("stack array filled 4 bytes per iteration but its first", OutOfOrderFill("1,2,3"), "uninitialized stack byte"),
    ];
}
