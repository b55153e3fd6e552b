namespace Firmware.Verifier.Tests;

/// <summary>
/// Labelled assembly for what the verifier relates across copies, spills and joins, each with the
/// unsafe twin it must still reject. The hook is the default one: r1 = 64-byte buffer, r2 = 64.
/// </summary>
public static class RelationCases
{
    /// <summary>
    /// A loop whose index i lives in a stack slot: each iteration passes a join point (which merges the
    /// states of all iterations), reloads i, reads 8 bytes at buf + i, stores i + 8 back, and continues
    /// while CHECKED + CHECK_OFFSET &lt;= len, where CHECKED is a reload of the slot (or of OLD_SLOT, a
    /// copy of i taken before the increment). Only CHECKED = the new i with CHECK_OFFSET 8 is in bounds.
    /// </summary>
    private const string SpilledIndexLoop = """
        *(u64 *)(r10 - 8) = 0
        loop:
        r4 = *(u8 *)(r1 + 0)
        if r4 > 5 goto join
        r4 = 1
        join:
        r3 = *(u64 *)(r10 - 8)
        *(u64 *)(r10 - 16) = r3
        r5 = r1
        r5 += r3
        r0 = *(u64 *)(r5 + 0)
        r3 += 8
        *(u64 *)(r10 - 8) = r3
        r6 = *(u64 *)(r10 - CHECKED)
        r6 += CHECK_OFFSET
        OVERWRITE
        if r6 <= r2 goto loop
        r0 = 0
        exit
        """;

    private static string SpilledIndex(int checkOffset, int checkedSlot = 8, string overwrite = "") =>
        SpilledIndexLoop.Replace("CHECK_OFFSET", checkOffset.ToString()).Replace("CHECKED", checkedSlot.ToString())
            .Replace("OVERWRITE", overwrite);

    /// <summary>
    /// Fills a 32-byte stack array a[i] = i for i from 0 while i &lt; LIMIT, stepping STEP, with EXIT_EARLY
    /// before each store, then runs AFTER and reads the array's first and last 8 bytes.
    /// </summary>
    private const string FillLoop = """
        r3 = 0
        loop:
        EXIT_EARLY
        r4 = r10
        r4 += -32
        r4 += r3
        *(u8 *)(r4 + 0) = r3
        r3 += STEP
        if r3 < LIMIT goto loop
        out:
        AFTER
        r0 = *(u64 *)(r10 - 32)
        r1 = *(u64 *)(r10 - 8)
        r0 += r1
        exit
        """;

    private static string Fill(int limit = 32, int step = 1, string exitEarly = "", string after = "") =>
        FillLoop.Replace("LIMIT", limit.ToString()).Replace("STEP", step.ToString())
            .Replace("EXIT_EARLY", exitEarly).Replace("AFTER", after);

    /// <summary>A 4-byte read at a pointer that moves STEP bytes per count of r2, until LIMIT.</summary>
    private static string Stepped(int step, string limit) =>
        $"r8 = r1\nr2 = 0\nr0 = 0\nloop:\nr3 = *(u32 *)(r8 + 0)\nr0 += r3\nr8 += {step}\nr2 += 1\n{limit}\nexit";

    /// <summary>
    /// p = buf + 2 * n for an input byte n in [1, MAXIMUM], then a loop reading the u16 below p while
    /// stepping p down by 2 and n down by 1 until n is 0.
    /// </summary>
    private static string ShiftedWalk(int maximum) =>
        $"r3 = *(u8 *)(r1 + 0)\nif r3 > {maximum} goto out\nif r3 == 0 goto out\nr4 = r3\nr4 <<= 1\nr5 = r1\nr5 += r4\n" +
        "loop:\nr0 = *(u16 *)(r5 - 2)\nr5 += -2\nr3 += -1\nif r3 != 0 goto loop\nout:\nr0 = 0\nexit";

    public static readonly AsmCase[] All =
    [
        new("index bounded through a reloaded spill across joins", SpilledIndex(8), null),
        new("index bounded through a reloaded spill, off by one step", SpilledIndex(0), "outside the 64-byte context"),
        new("index bounded through a stale copy of the spill", SpilledIndex(8, checkedSlot: 16), "outside the 64-byte context"),
        new("index spill overwritten after its check", SpilledIndex(8, overwrite: "r7 = *(u8 *)(r1 + 1)\n*(u64 *)(r10 - 8) = r7"), "outside the 64-byte context"),

        new("pointer walking in step with a counter", "r8 = r1\nr2 = 0\nr0 = 0\nloop:\nr3 = *(u8 *)(r8 + 0)\nr0 += r3\nr8 += 1\nr2 += 1\nif r2 < 64 goto loop\nexit", null),
        new("pointer walking in step with a counter, one step too far", "r8 = r1\nr2 = 0\nr0 = 0\nloop:\nr3 = *(u8 *)(r8 + 0)\nr0 += r3\nr8 += 1\nr2 += 1\nif r2 <= 64 goto loop\nexit", "outside the 64-byte context"),
        new("pointer walking faster than its counter", "r8 = r1\nr2 = 0\nr0 = 0\nloop:\nr3 = *(u8 *)(r8 + 0)\nr0 += r3\nr8 += 2\nr2 += 1\nif r2 < 64 goto loop\nexit", "outside the 64-byte context"),
        new("pointer stepping 4 bytes per count", Stepped(step: 4, limit: "if r2 < 16 goto loop"), null),
        new("pointer stepping 4 bytes per count, one count too many", Stepped(step: 4, limit: "if r2 <= 16 goto loop"), "outside the 64-byte context"),
        new("pointer stepping 5 bytes per count", Stepped(step: 5, limit: "if r2 < 16 goto loop"), "outside the 64-byte context"),
        new("pointer stepping down 2 bytes per count", "r8 = r1\nr8 += 62\nr2 = 31\nr0 = 0\nloop:\nr3 = *(u16 *)(r8 + 0)\nr0 += r3\nr8 += -2\nr2 += -1\nif r2 s>= 0 goto loop\nexit", null),
        new("pointer stepping down 2 bytes per count, one count too many", "r8 = r1\nr8 += 62\nr2 = 32\nr0 = 0\nloop:\nr3 = *(u16 *)(r8 + 0)\nr0 += r3\nr8 += -2\nr2 += -1\nif r2 s>= 0 goto loop\nexit", "outside the 64-byte context"),
        new("pointer from a shifted index walks down with it", ShiftedWalk(maximum: 32), null),
        new("pointer from a shifted index walks down with it, one too far", ShiftedWalk(maximum: 33), "outside the 64-byte context"),
        new("bound on a doubled value does not bound the value", "r3 = *(u64 *)(r1 + 0)\nr4 = r3\nr4 <<= 1\nif r4 > 10 goto out\nr1 += r3\nr0 = *(u8 *)(r1 + 0)\nexit\nout:\nr0 = 0\nexit", "unbounded offset"),
        new("stack array filled by a loop", Fill(), null),
        new("stack array filled by a loop, then a scalar stored into it", Fill(after: "*(u32 *)(r10 - 20) = 7"), null),
        new("stack array filled one byte short", Fill(limit: 31), "uninitialized stack byte fp-1"),
        new("stack array filled every other byte", Fill(step: 2), "uninitialized stack byte"),
        new("stack array fill that may stop early", Fill(exitEarly: "r5 = *(u8 *)(r1 + 0)\nif r5 == 0 goto out"), "uninitialized stack byte"),
        new("pointer spilled into a filled array, then partly overwritten",
            Fill(after: "*(u64 *)(r10 - 16) = r1\n*(u8 *)(r10 - 16) = 0\nr0 = *(u64 *)(r10 - 16)"), "uninitialized stack byte fp-15"),
    ];
}
