namespace Firmware.Verifier.Tests;

/// <summary>
/// Labelled assembly for loops followed one iteration at a time (the second pass, when the joined one
/// rejects): a square kept as a running sum, read at only while the product in another register is in
/// bounds, which no domain relates but the constants of each iteration do; with the twin read one bound
/// further, and a loop too long to follow that way (more iterations than the partitions' limit), which
/// is rejected, as the joined pass rejects it, rather than explored until the budget runs out.
/// </summary>
public static class IterationCases
{
    /// <summary>
    /// For i from 0 while i &lt; COUNT: when i * i &lt;= LIMIT (tested on a product), reads buf[s] where s is
    /// i * i kept as a running sum (s += 2i + 1).
    /// </summary>
    private const string RunningSquare = """
        r0 = 0
        r6 = 0
        r7 = 0
        loop:
        r8 = r6
        r8 *= r6
        if r8 > LIMIT goto skip
        r9 = r1
        r9 += r7
        r5 = *(u8 *)(r9 + 0)
        r0 += r5
        skip:
        r7 += r6
        r7 += r6
        r7 += 1
        r6 += 1
        if r6 < COUNT goto loop
        exit
        """;

    private static string Square(int limit, int count) =>
        RunningSquare.Replace("LIMIT", limit.ToString()).Replace("COUNT", count.ToString());

    public static readonly AsmCase[] All =
    [
        new("running square read while the product is at most 63, 100 iterations", Square(63, 100), null),
        new("running square read while the product is at most 64, 100 iterations", Square(64, 100), "outside the 64-byte context"),
        new("running square over more iterations than the partitions' limit: rejected, not explored", Square(63, 600), "outside the 64-byte context"),
    ];
}
