using System.Text;

namespace Firmware.Testing;

/// <summary>Large programs for the verifier's scaling: the tests check they are accepted, the bench times them.</summary>
public static class PatchShapedPrograms
{
    /// <summary>
    /// Patch-shaped code: checked buffer reads, spills, arithmetic and branches, with a counted loop
    /// over the buffer every eighth chunk; padded with arithmetic to exactly <paramref name="length"/> slots.
    /// </summary>
    public static string Assembly(int length)
    {
        var text = new StringBuilder("r0 = 0\nr3 = 0\n");
        int slots = 2, chunk = 0;
        string[] straight =
        [
            "r4 = *(u8 *)(r1 + 5)", "if r4 > 60 goto +3", "r5 = r1", "r5 += r4", "r3 = *(u32 *)(r5 + 0)",
            "*(u64 *)(r10 - 16) = r3", "r0 += r3", "r3 = *(u64 *)(r10 - 16)", "if r3 > r0 goto +1", "r0 ^= r3",
        ];
        string[] loop = ["r6 = 0", "LOOP:", "r7 = r1", "r7 += r6", "r4 = *(u8 *)(r7 + 0)", "r0 += r4", "r6 += 1", "if r6 < 64 goto LOOP"];
        while (true)
        {
            var lines = chunk % 8 == 7 ? loop.Select(l => l.Replace("LOOP", $"loop{chunk}")).ToArray() : straight;
            int count = lines.Count(l => !l.EndsWith(':'));
            if (slots + count + 1 > length) break;
            foreach (var line in lines) text.AppendLine(line);
            slots += count;
            chunk++;
        }
        for (; slots < length - 1; slots++) text.AppendLine("r0 += 1");
        text.AppendLine("exit");
        return text.ToString();
    }
}
