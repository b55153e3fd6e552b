namespace Firmware.Verifier.Tests;

/// <summary>
/// Labelled assembly for bounds on sums of two unknowns (the zone's octagon half) and for indices linked
/// at scale -1, each with the unsafe twins it must still reject: one byte further, the check on a
/// difference instead of the sum, an operand moved after the check, values that may wrap.
/// </summary>
public static class SumCases
{
    /// <summary>
    /// A record at i of size bytes (both input bytes, so unknown): CHECK tests SUM (`i + size + 2`), then a
    /// byte k below size is read at buf + i + k + READ_OFFSET, after AFTER_CHECK. With the length 64,
    /// i + k + 2 is at most 63.
    /// </summary>
    private const string RecordRead = """
        r0 = 0
        r6 = *(LOAD *)(r1 + 0)
        r8 = *(LOAD *)(r1 + 1)
        r9 = r6
        SUM
        r9 += 2
        if r9 > r2 goto out
        AFTER_CHECK
        r9 = *(u8 *)(r1 + 2)
        K_TEST
        r7 = r1
        r7 += r6
        r7 += r9
        r0 = *(u8 *)(r7 + READ_OFFSET)
        out:
        exit
        """;

    private static string Record(int readOffset = 2, string sum = "r9 += r8", string kTest = "if r9 >= r8 goto out", string afterCheck = "", string load = "u8") =>
        RecordRead.Replace("READ_OFFSET", readOffset.ToString()).Replace("SUM", sum).Replace("K_TEST", kTest)
            .Replace("AFTER_CHECK", afterCheck).Replace("LOAD", load);

    /// <summary>x, an input byte, read at buf + x after checking NEGATED (70 - x, or -x + 70) with CHECK.</summary>
    private const string NegatedIndex = """
        r0 = 0
        r6 = *(u8 *)(r1 + 0)
        NEGATED
        CHECK
        r7 = r1
        r7 += r6
        r0 = *(u8 *)(r7 + READ_OFFSET)
        out:
        exit
        """;

    private static string Negated(string check, int readOffset = 0, string negated = "r9 = 70\nr9 -= r6") =>
        NegatedIndex.Replace("NEGATED", negated).Replace("CHECK", check).Replace("READ_OFFSET", readOffset.ToString());

    /// <summary>
    /// A packet-style buffer of unknown length (r2, length r3, at most 1500) read at i and at MIRROR
    /// (`len - 1 - i`) for i from 0 while i &lt; len: neither index is bounded but by its relation to the length.
    /// </summary>
    private const string MirrorLoop = """
        r0 = 0
        if r3 == 0 goto out
        if r3 > 1500 goto out
        r4 = 0
        loop:
        r5 = r3
        MIRROR
        r7 = r2
        r7 += r5
        r6 = *(u8 *)(r7 + 0)
        r7 = r2
        r7 += r4
        r8 = *(u8 *)(r7 + 0)
        r0 += r6
        r0 ^= r8
        r4 += 1
        if r4 < r3 goto loop
        out:
        exit
        """;

    private static string Mirror(string mirror = "r5 -= 1\nr5 -= r4") => MirrorLoop.Replace("MIRROR", mirror);

    public static readonly AsmCase[] All =
    [
        new("record read at i + k below i + size, the sum checked", Record(), null),
        new("record read one byte past i + k", Record(readOffset: 3), "outside the 64-byte context"),
        new("record read at i + k for k up to size", Record(kTest: "if r9 > r8 goto out"), "outside the 64-byte context"),
        new("record checked on i - size, read at i + k", Record(sum: "r9 -= r8"), "outside the 64-byte context"),
        new("record read after i moved past the check", Record(afterCheck: "r6 += 1"), "outside the 64-byte context"),
        new("record of 64-bit i and size, whose sum may wrap", Record(load: "u64"), "unbounded offset"),
        new("index read below 70 - x, checked signed", Negated("if r9 s< 7 goto out"), null),
        new("index read one past 70 - x, checked signed", Negated("if r9 s< 7 goto out", readOffset: 1), "outside the 64-byte context"),
        new("index read below -x + 70, checked signed", Negated("if r9 s< 7 goto out", negated: "r9 = r6\nr9 = -r9\nr9 += 70"), null),
        new("index read below 70 - x, checked unsigned (x above 70 wraps)", Negated("if r9 < 7 goto out"), "outside the 64-byte context"),
        new("buffer read at i and at len - 1 - i", Mirror(), null, AsmCase.PacketHook),
        new("buffer read at i and at len - i", Mirror("r5 -= r4"), "outside the buffer", AsmCase.PacketHook),
        new("buffer read at i and at len - 2 - i", Mirror("r5 -= 2\nr5 -= r4"), "outside the buffer", AsmCase.PacketHook),
    ];
}
