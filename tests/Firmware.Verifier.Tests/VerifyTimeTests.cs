using System.Diagnostics;
using System.Text;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Xunit.Abstractions;

namespace Firmware.Verifier.Tests;

/// <summary>
/// Verify time for safe programs of 100, 1,000 and 4,096 instructions (target: under 100 ms for 4,096;
/// the assertion is looser because the machine is shared, the figure is printed).
/// </summary>
public sealed class VerifyTimeTests(ITestOutputHelper output)
{
    private const int MemSize = 64;

    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(4096)]
    public void Verify_time(int instructions)
    {
        var program = new EbpfProgram($"chain{instructions}", Assembler.Assemble(Program(instructions)));
        Assert.Equal(instructions, program.Instructions.Length);
        var options = VerifierOptions.ForBuffer(MemSize);
        Assert.True(Verifier.Verify(program, options).Accepted);
        const int repeats = 20;
        var best = TimeSpan.MaxValue;
        VerificationResult result = null!;
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            result = Verifier.Verify(program, options);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed < best) best = elapsed;
        }
        output.WriteLine($"{instructions} instructions: {best.TotalMilliseconds:F2} ms (best of {repeats}), {result.InstructionsVisited} visited");
        Assert.True(best.TotalMilliseconds < 1000, $"{best.TotalMilliseconds} ms");
    }

    /// <summary>
    /// Patch-shaped code: checked buffer reads, spills, arithmetic and branches, with a counted loop
    /// over the buffer every eighth chunk; padded with arithmetic to exactly <paramref name="length"/> slots.
    /// </summary>
    private static string Program(int length)
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
