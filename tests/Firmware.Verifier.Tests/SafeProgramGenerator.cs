using System.Text;

namespace Firmware.Verifier.Tests;

/// <summary>
/// Random programs shaped like patches: loads and stores off the buffer at fixed and at checked
/// offsets, offsets that are sums of two checked unknowns, indices counting down, squares kept as running
/// sums (proved only an iteration at a time), stack spills,
/// arithmetic, forward branches and counted loops. The constants are drawn around the buffer's size, so
/// about half are safe and the rest overrun by a little.
/// </summary>
public sealed class SafeProgramGenerator(Random random, int memSize)
{
    private static readonly string[] Ops = ["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="];
    private static readonly int[] Sizes = [8, 16, 32, 64];
    private readonly StringBuilder _text = new();
    private int _labels;

    public string Generate()
    {
        foreach (int r in new[] { 0, 3, 4, 5 })
            if (random.Next(20) != 0) Line($"r{r} = {random.Next(100)}");
        int blocks = random.Next(1, 12);
        for (int i = 0; i < blocks; i++) Block();
        Line("exit");
        return _text.ToString();
    }

    private void Block()
    {
        switch (random.Next(15))
        {
            case 14:
                // A square kept as a running sum, read at while the product in another register is in bounds:
                // only following the loop an iteration at a time proves it.
                string square = $"square{_labels++}";
                Line("r6 = 0");
                Line("r7 = 0");
                Line($"{square}:");
                Line("r8 = r6");
                Line("r8 *= r6");
                Line($"if r8 > {Near(memSize - 1)} goto +3");
                Line("r9 = r1");
                Line("r9 += r7");
                Line($"r{Reg()} = *(u8 *)(r9 + 0)");
                Line("r7 += r6");
                Line("r7 += r6");
                Line("r7 += 1");
                Line("r6 += 1");
                Line($"if r6 < {random.Next(1, 40)} goto {square}");
                break;
            case 11:
                // A record check on a sum, `i + size <= limit`, then a read at i + k for k < size (or k <= size).
                Line($"r6 = *(u8 *)(r1 + {random.Next(memSize)})");
                Line($"r8 = *(u8 *)(r1 + {random.Next(memSize)})");
                Line("r9 = r6");
                Line($"r9 {(random.Next(4) == 0 ? "-=" : "+=")} r8");
                Line(random.Next(3) == 0 ? "if r9 > r2 goto +6" : $"if r9 > {Near(memSize)} goto +6");
                Line($"r9 = *(u8 *)(r1 + {random.Next(memSize)})");
                Line($"if r9 {(random.Next(4) == 0 ? ">" : ">=")} r8 goto +4");
                Line("r7 = r1");
                Line(random.Next(2) == 0 ? "r7 += r6" : "r7 += r9");
                Line(random.Next(2) == 0 ? "r7 += r9" : "r7 += r6");
                Line($"r{Reg()} = *(u8 *)(r7 + 0)");
                break;
            case 12:
                // An index through its negation: c - x (or -x + c) checked, then x used.
                Line($"r6 = *(u8 *)(r1 + {random.Next(memSize)})");
                if (random.Next(2) == 0)
                {
                    Line($"r9 = {Near(memSize - 1)}");
                    Line("r9 -= r6");
                }
                else
                {
                    Line("r9 = r6");
                    Line("r9 = -r9");
                    Line($"r9 += {Near(memSize - 1)}");
                }
                Line($"if r9 > {Near(memSize - 1)} goto +3");
                Line("r7 = r1");
                Line(random.Next(2) == 0 ? "r7 += r6" : "r7 += r9");
                Line($"r{Reg()} = *(u8 *)(r7 + 0)");
                break;
            case 13:
                // A loop reading at an index counting down from c while its counter counts up.
                string down = $"down{_labels++}";
                int start = Near(memSize - 1);
                Line("r8 = 0");
                Line($"r9 = {start}");
                Line($"{down}:");
                Line("r7 = r1");
                Line("r7 += r9");
                Line($"r{Reg()} = *(u8 *)(r7 + 0)");
                Line("r9 -= 1");
                Line("r8 += 1");
                // Safe when the index stops at 0: at most start + 1 iterations.
                Line($"if r8 < {Near(start + 1)} goto {down}");
                break;
            case 9:
                Line($"w{Reg()} {Ops[random.Next(Ops.Length)]} {(random.Next(2) == 0 ? $"w{Reg()}" : random.Next(-50, 50).ToString())}");
                break;
            case 10:
                // A 32-bit (possibly signed) check of a 64-bit index: only sound narrowing may accept it.
                Line($"r6 = *(u{Sizes[random.Next(Sizes.Length)]} *)(r1 + 0)");
                Line($"if w6 {(random.Next(2) == 0 ? "s>" : ">")} {Near(memSize - 1)} goto +3");
                Line("r7 = r1");
                Line("r7 += r6");
                Line($"r{Reg()} = *(u8 *)(r7 + 0)");
                break;
            case 0:
                Line($"r{Reg()} {Ops[random.Next(Ops.Length)]} {(random.Next(2) == 0 ? $"r{Reg()}" : random.Next(-50, 50).ToString())}");
                break;
            case 1:
                Line($"r{Reg()} {(random.Next(2) == 0 ? "<<=" : ">>=")} {random.Next(64)}");
                break;
            case 2:
                int size = Sizes[random.Next(Sizes.Length)];
                Line($"r{Reg()} = *(u{size} *)(r1 + {Near(memSize - size / 8)})");
                break;
            case 3:
                Line($"*(u{Sizes[random.Next(Sizes.Length)]} *)(r1 + {Near(memSize - 8)}) = r{Reg()}");
                break;
            case 4:
                // A checked index: safe when the bound leaves room for the access.
                int width = Sizes[random.Next(Sizes.Length)] / 8;
                Line($"r6 = *(u8 *)(r1 + {random.Next(Math.Max(1, memSize))})");
                Line(random.Next(3) == 0 ? "if r6 >= r2 goto +3" : $"if r6 > {Near(memSize - width)} goto +3");
                Line("r7 = r1");
                Line("r7 += r6");
                Line($"r{Reg()} = *(u{width * 8} *)(r7 + 0)");
                break;
            case 5:
                int slot = 8 * random.Next(1, 9);
                Line($"*(u64 *)(r10 - {slot}) = r{Reg()}");
                Line($"r{Reg()} = *(u64 *)(r10 - {8 * random.Next(1, 9)})");
                break;
            case 6:
                Line($"if r{Reg()} {(random.Next(2) == 0 ? ">" : "s<")} r{Reg()} goto +1");
                Line($"r{Reg()} += 1");
                break;
            case 7:
                // A counted loop over the buffer; the bound may overrun it.
                string label = $"loop{_labels++}";
                Line("r8 = 0");
                Line($"{label}:");
                Line("r7 = r1");
                Line("r7 += r8");
                Line($"r{Reg()} = *(u8 *)(r7 + 0)");
                Line("r8 += 1");
                Line($"if r8 < {Near(memSize)} goto {label}");
                break;
            default:
                Line($"r{Reg()} = r{Reg()}");
                break;
        }
    }

    private int Reg() => new[] { 0, 3, 4, 5 }[random.Next(4)];

    /// <summary>A constant at most <paramref name="limit"/> most of the time, a little beyond it otherwise.</summary>
    private int Near(int limit) => Math.Max(0, random.Next(4) == 0 ? limit + random.Next(1, 4) : random.Next(Math.Max(1, limit + 1)));

    private void Line(string line) => _text.AppendLine(line);
}
