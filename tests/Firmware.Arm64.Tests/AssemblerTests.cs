using Firmware.Ebpf.Jit.Assembly;
using System.Numerics;
using System.Runtime.InteropServices;
using CsCheck;
using Firmware.Ebpf.Jit.Arm64;

namespace Firmware.Arm64.Tests;

/// <summary>
/// What <see cref="Arm64Assembler"/> adds to the encoder: immediates of any size in as few instructions as
/// it finds, and branch layout (B.cond and CBZ/CBNZ out of their ±1 MiB turn into an inverted branch over a B).
/// Words are checked by decoding them here, with the manual's pseudocode (DecodeBitMasks) written afresh.
/// </summary>
public class AssemblerTests
{
    private static readonly Gen<ulong> Values = Gen.Frequency(
        (2, Gen.ULong),
        (1, Gen.OneOf<ulong>(0, ulong.MaxValue, 1, 0xffff, 0x10000, 0xffff0000, 0xffffffff, 0x100000000, 0x8000000000000000,
            0x7fffffffffffffff, 0xffffffff80000000, 0x0000ffff0000ffff, 0x5555555555555555, 0xfffffffffffffffe, 0x1234ffffffffffff)),
        (1, Gen.Select(Gen.Int[0, 3], Gen.UShort, (hw, half) => (ulong)half << (16 * hw))),                  // one halfword set
        (1, Gen.Select(Gen.Int[0, 3], Gen.UShort, (hw, half) => ~((ulong)(ushort)~half << (16 * hw)))),     // one halfword not all ones
        (1, Gen.Select(Gen.Int[1, 63], Gen.Int[0, 63], (ones, rotation) => BitOperations.RotateRight((1UL << ones) - 1, rotation))));

    [Fact]
    public void MovImmediate_materialises_every_value_in_at_most_four_instructions() =>
        Gen.Select(Values, Gen.Bool).Sample((value, wide) =>
        {
            var words = Assemble(a => a.MovImmediate(wide, 5, value));
            ulong expected = wide ? value : (uint)value;

            Assert.Equal(expected, Execute(words, wide));
            Assert.InRange(words.Length, 1, wide ? 4 : 2);
            int halves = wide ? 4 : 2;
            int zeros = Enumerable.Range(0, halves).Count(hw => ((expected >> (16 * hw)) & 0xffff) == 0);
            int ones = Enumerable.Range(0, halves).Count(hw => ((expected >> (16 * hw)) & 0xffff) == 0xffff);
            // Never worse than MOVZ or MOVN followed by one MOVK per remaining halfword.
            Assert.True(words.Length <= Math.Max(1, halves - Math.Max(zeros, ones)), $"{words.Length} instructions for 0x{expected:x}");
            if (Arm64Encoding.TryEncodeBitmask(expected, wide, out _, out _, out _)) Assert.Single(words);
        }, iter: 20_000);

    [Fact]
    public void TryEncodeBitmask_finds_exactly_the_values_DecodeBitMasks_produces()
    {
        // Every (N, immr, imms) the manual allows, decoded, must be found again; and nothing else.
        var valid = new HashSet<ulong>();
        for (uint n = 0; n <= 1; n++)
        for (uint immr = 0; immr < 64; immr++)
        for (uint imms = 0; imms < 64; imms++)
            if (DecodeBitMasks(n, imms, immr, 64) is ulong value)
            {
                valid.Add(value);
                Assert.True(Arm64Encoding.TryEncodeBitmask(value, true, out uint n2, out uint r2, out uint s2), $"0x{value:x}");
                Assert.Equal(value, DecodeBitMasks(n2, s2, r2, 64));
            }
        Assert.Equal(5334, valid.Count); // the number of distinct 64-bit logical immediates
        Gen.ULong.Sample(value => Assert.Equal(valid.Contains(value), Arm64Encoding.TryEncodeBitmask(value, true, out _, out _, out _)), iter: 10_000);
    }

    [Theory]
    [InlineData((1 << 20) - 4, false)]  // the furthest forward B.cond reaches: 2^18 - 1 words
    [InlineData(1 << 20, true)]
    [InlineData(-(1 << 20), false)]     // and backward: -2^18 words
    [InlineData(-(1 << 20) - 4, true)]
    public void A_conditional_branch_out_of_range_becomes_an_inverted_branch_over_a_B(int distance, bool relaxed)
    {
        // branch at 0 to a label `distance` bytes away (distance counted as if the branch stays one word).
        var words = Assemble(a =>
        {
            var target = a.CreateLabel();
            if (distance < 0)
            {
                a.Bind(target);
                Nops(a, -distance / 4);
                a.BCond(Condition.Lt, target);
                a.Cbnz(true, 3, target);
            }
            else
            {
                a.BCond(Condition.Lt, target);
                Nops(a, distance / 4 - 1);
                a.Bind(target);
                a.Emit(Nop);
            }
        });
        int branch = distance < 0 ? -distance / 4 : 0;
        long targetOffset = distance < 0 ? 0 : distance + (relaxed ? 4 : 0);
        if (!relaxed)
        {
            Assert.Equal(Condition.Lt, ConditionOf(words[branch]));
            Assert.Equal(targetOffset - branch * 4L, BranchOffset(words[branch], 19));
            return;
        }
        Assert.Equal(Condition.Ge, ConditionOf(words[branch]));
        Assert.Equal(8, BranchOffset(words[branch], 19));
        Assert.Equal(0x14000000u, words[branch + 1] & 0xfc000000); // B
        Assert.Equal(targetOffset - (branch + 1) * 4L, BranchOffset(words[branch + 1], 26));
        if (distance < 0)
        {
            // The CBNZ after it is one word further away, so long too: CBZ over a B.
            Assert.Equal(0xb4000003u, words[branch + 2] & 0xff00001f);
            Assert.Equal(8, BranchOffset(words[branch + 2], 19));
            Assert.Equal(-(branch + 3) * 4L, BranchOffset(words[branch + 3], 26));
        }
    }

    [Fact]
    public void Lengthening_one_branch_lengthens_those_it_pushes_out_of_range()
    {
        // A (at 0) reaches T at exactly the limit only while B (at 4) stays short; B cannot: T moves, A must grow.
        var words = Assemble(a =>
        {
            Label t = a.CreateLabel(), u = a.CreateLabel();
            a.BCond(Condition.Eq, t);
            a.BCond(Condition.Ne, u);
            Nops(a, (1 << 18) - 3);
            a.Bind(t);
            Nops(a, 1 << 18);
            a.Bind(u);
            a.Emit(Nop);
        });
        Assert.Equal(Condition.Ne, ConditionOf(words[0])); // A inverted
        Assert.Equal(Condition.Eq, ConditionOf(words[2])); // B inverted
        Assert.Equal(((1 << 18) + 1) * 4L - 4, BranchOffset(words[1], 26));
    }

    [Fact]
    public void A_branch_to_a_label_never_bound_is_refused()
    {
        var a = new Arm64Assembler();
        a.B(a.CreateLabel());
        a.CreateLabel(); // unreferenced and unbound: fine

        Assert.Throws<InvalidOperationException>(() => a.Assemble());
    }

    // ---- helpers ----

    private const uint Nop = 0xd503201f;

    private static void Nops(Arm64Assembler a, int count)
    {
        for (int i = 0; i < count; i++) a.Emit(Nop);
    }

    private static uint[] Assemble(Action<Arm64Assembler> emit)
    {
        var a = new Arm64Assembler();
        emit(a);
        return MemoryMarshal.Cast<byte, uint>(a.Assemble()).ToArray();
    }

    private static Condition ConditionOf(uint word)
    {
        Assert.Equal(0x54000000u, word & 0xff000010); // B.cond
        return (Condition)(word & 0xf);
    }

    private static long BranchOffset(uint word, int bits)
    {
        long field = bits == 26 ? word & 0x3ffffff : (word >> 5) & 0x7ffff;
        return (field << (64 - bits) >> (64 - bits)) * 4;
    }

    /// <summary>Runs MOVZ/MOVN/MOVK and ORR (immediate) from ZR into one register, as the manual defines them.</summary>
    private static ulong Execute(uint[] words, bool wide)
    {
        ulong x = 0xdeadbeefdeadbeef;
        foreach (uint word in words)
        {
            Assert.Equal(wide ? 1u : 0u, word >> 31);
            uint op = (word >> 23) & 0x3f;
            if (op == 0b100101) // move wide
            {
                int shift = 16 * (int)((word >> 21) & 3);
                ulong imm = (ulong)((word >> 5) & 0xffff) << shift;
                x = ((word >> 29) & 3) switch
                {
                    0b00 => ~imm,
                    0b10 => imm,
                    0b11 => (x & ~(0xffffUL << shift)) | imm,
                    var opc => throw new InvalidOperationException($"move wide opc {opc}"),
                };
            }
            else
            {
                Assert.Equal(0b100100u, op);                 // logical (immediate)
                Assert.Equal(0b01u, (word >> 29) & 3);       // ORR
                Assert.Equal(31u, (word >> 5) & 31);         // from ZR
                x = DecodeBitMasks((word >> 22) & 1, (word >> 10) & 63, (word >> 16) & 63, wide ? 64 : 32)
                    ?? throw new InvalidOperationException("reserved bitmask");
            }
            if (!wide) x = (uint)x;
        }
        return x;
    }

    /// <summary>The manual's DecodeBitMasks (the wmask of an immediate logical instruction); null where it is reserved.</summary>
    private static ulong? DecodeBitMasks(uint n, uint imms, uint immr, int datasize)
    {
        uint combined = (n << 6) | (~imms & 0x3f);
        if (combined == 0) return null;
        int len = 31 - BitOperations.LeadingZeroCount(combined);
        if (len < 1 || (1 << len) > datasize) return null;
        uint levels = (1u << len) - 1;
        uint s = imms & levels, r = immr & levels;
        if (s == levels) return null; // all ones in the element is reserved
        int esize = 1 << len;
        ulong elementMask = esize == 64 ? ulong.MaxValue : (1UL << esize) - 1;
        ulong welem = (1UL << (int)(s + 1)) - 1;
        ulong rotated = r == 0 ? welem : ((welem >> (int)r) | (welem << (esize - (int)r))) & elementMask;
        ulong result = 0;
        for (int at = 0; at < datasize; at += esize) result |= rotated << at;
        return result;
    }
}
