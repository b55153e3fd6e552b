using Firmware.Ebpf.Jit.Thumb2;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;

namespace Firmware.Thumb2.Tests;

/// <summary>
/// <see cref="Thumb2Assembler"/>'s branch layout: each branch takes the shortest form that reaches, a
/// conditional branch beyond ±1 MiB becomes the inverted condition over a B.W, and the literal pool lands
/// 4-byte aligned after the code.
/// </summary>
public class AssemblerTests
{
    /// <summary>A forward B&lt;c&gt; (or B) over <paramref name="nops"/> 16-bit NOPs; the code's first bytes.</summary>
    private static byte[] BranchOver(int nops, bool conditional)
    {
        var a = new Thumb2Assembler();
        var target = a.CreateLabel();
        if (conditional) a.BCond(Condition.Eq, target);
        else a.B(target);
        for (int i = 0; i < nops; i++) a.Emit(Nop);
        a.Bind(target);
        a.Emit(Nop);
        return a.Assemble(out _);
    }

    private static byte[] Halves(uint wide) => [(byte)(wide >> 16), (byte)(wide >> 24), (byte)wide, (byte)(wide >> 8)];

    [Theory]
    [InlineData(100)]
    [InlineData(128)] // 254 bytes: the farthest B<c> T1 reaches
    public void A_near_conditional_branch_is_16_bit(int nops) =>
        Assert.Equal(BitConverter.GetBytes(BranchConditionalNarrow(Condition.Eq, 2 * nops - 2)), BranchOver(nops, true)[..2]);

    [Theory]
    [InlineData(129)]
    [InlineData((1 << 19) - 2)]
    public void A_conditional_branch_past_256_bytes_is_32_bit(int nops) =>
        Assert.Equal(Halves(BranchConditionalWide(Condition.Eq, 2 * nops)), BranchOver(nops, true)[..4]);

    [Fact]
    public void A_conditional_branch_past_1_MiB_is_the_inverted_condition_over_a_wide_branch()
    {
        int nops = (1 << 19) + 10;
        var code = BranchOver(nops, true);
        Assert.Equal(BitConverter.GetBytes(BranchConditionalNarrow(Condition.Ne, 2)), code[..2]);
        // The B.W sits at offset 2; the target is past the 6-byte pair and the NOPs.
        Assert.Equal(Halves(BranchWide(6 + 2 * nops - (2 + 4))), code[2..6]);
    }

    [Theory]
    [InlineData(1024, 2)] // 2046 bytes: the farthest B T2 reaches
    [InlineData(1025, 4)]
    public void An_unconditional_branch_widens_past_2_KiB(int nops, int size)
    {
        var code = BranchOver(nops, false);
        byte[] expected = size == 2 ? BitConverter.GetBytes(BranchNarrow(2 * nops - 2)) : Halves(BranchWide(2 * nops));
        Assert.Equal(expected, code[..size]);
    }

    [Fact]
    public void The_pool_follows_the_code_word_aligned_and_its_address_is_computed_from_pc()
    {
        var a = new Thumb2Assembler();
        a.PoolAddress(9);
        a.Emit(Nop);
        int offset = a.AddLiteral(0xdeadbeef);
        var code = a.Assemble(out int pool);

        Assert.Equal(0, pool % 4);
        Assert.Equal(0xdeadbeefu, BitConverter.ToUInt32(code, pool + offset));
        // movw r9, lo; movt r9, hi; add r9, pc: pc reads as the ADD's address (8) + 4.
        uint distance = (uint)(pool - 12);
        Assert.Equal([.. Halves(MoveWide(false, 9, distance & 0xffff)), .. Halves(MoveWide(true, 9, distance >> 16)),
            .. BitConverter.GetBytes(AddHighRegisters(9, Pc))], code[..10]);
    }
}
