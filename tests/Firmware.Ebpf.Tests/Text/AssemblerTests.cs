using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Text;

public class AssemblerTests
{
    private static string Hex(string text) => Convert.ToHexString(Instruction.WriteAll(Assembler.Assemble(text))).ToLowerInvariant();

    private static string Compact(string bytes) => bytes.Replace(" ", "");

    // Expected bytes worked out by hand from RFC 9669: opcode, dst|src<<4, offset (LE16), imm (LE32).
    [Theory]
    [InlineData("mov32 %r0, 0", "b4 00 0000 00000000")]
    [InlineData("add32 %r0, -3", "04 00 0000 fdffffff")]
    [InlineData("add %r0, 1", "07 00 0000 01000000")]
    [InlineData("add64 %r0, %r1", "0f 10 0000 00000000")]
    [InlineData("sdiv32 %r0, 3", "34 00 0100 03000000")]
    [InlineData("smod64 %r0, %r1", "9f 10 0100 00000000")]
    [InlineData("arsh32 %r2, 0xffffffff", "c4 02 0000 ffffffff")]
    [InlineData("movsx832 %r0, %r1", "bc 10 0800 00000000")]
    [InlineData("movsx1632 %r0, %r1", "bc 10 1000 00000000")]
    [InlineData("movsx864 %r0, %r1", "bf 10 0800 00000000")]
    [InlineData("movsx1664 %r0, %r1", "bf 10 1000 00000000")]
    [InlineData("movsx3264 %r0, %r1", "bf 10 2000 00000000")]
    [InlineData("neg %r3", "87 03 0000 00000000")]
    [InlineData("neg32 %r3", "84 03 0000 00000000")]
    [InlineData("neg64 %r3", "87 03 0000 00000000")]
    [InlineData("be16 %r0", "dc 00 0000 10000000")]
    [InlineData("le32 %r0", "d4 00 0000 20000000")]
    [InlineData("bswap64 %r0", "d7 00 0000 40000000")]
    [InlineData("swap16 %r0", "d7 00 0000 10000000")]
    [InlineData("ldxdw %r0, [%r1+2]", "79 10 0200 00000000")]
    [InlineData("ldxb %r0, [%r1]", "71 10 0000 00000000")]
    [InlineData("ldxsb %r0, [%r10-1]", "91 a0 ffff 00000000")]
    [InlineData("ldxsh %r0, [%r10-2]", "89 a0 feff 00000000")]
    [InlineData("ldxsw %r0, [%r10-4]", "81 a0 fcff 00000000")]
    [InlineData("stxdw [%r10-8], %r0", "7b 0a f8ff 00000000")]
    [InlineData("stb [%r1+2], 0x11", "72 01 0200 11000000")]
    [InlineData("sth [%r1 + 0x2], -1", "6a 01 0200 ffffffff")]
    [InlineData("lddw %r0, 0x1122334455667788", "18 00 0000 88776655 00 00 0000 44332211")]
    [InlineData("lddw %r1, -1", "18 01 0000 ffffffff 00 00 0000 ffffffff")]
    [InlineData("jne %r0, 15, +2", "55 00 0200 0f000000")]
    [InlineData("jsgt32 %r1, %r2, -1", "6e 21 ffff 00000000")]
    [InlineData("ja -1", "05 00 ffff 00000000")]
    [InlineData("ja32 +5", "06 00 0000 05000000")]
    [InlineData("call 5", "85 00 0000 05000000")]
    [InlineData("call helper 5", "85 00 0000 05000000")]
    [InlineData("call local +3", "85 10 0000 03000000")]
    [InlineData("call %r2", "8d 02 0000 00000000")]
    [InlineData("exit", "95 00 0000 00000000")]
    [InlineData("lock add [%r10-8], %r1", "db 1a f8ff 00000000")]
    [InlineData("lock add32 [%r10-4], %r1", "c3 1a fcff 00000000")]
    [InlineData("lock fetch or [%r10-8], %r1", "db 1a f8ff 41000000")]
    [InlineData("lock fetch xor32 [%r10-8], %r3", "c3 3a f8ff a1000000")]
    [InlineData("lock xchg [%r10-8], %r1", "db 1a f8ff e1000000")]
    [InlineData("lock cmpxchg32 [%r10-8], %r1", "c3 1a f8ff f1000000")]
    public void Assembles_ubpf_syntax(string text, string bytes) => Assert.Equal(Compact(bytes), Hex(text));

    [Theory]
    [InlineData("r0 = 1", "b7 00 0000 01000000")]
    [InlineData("w0 += 1", "04 00 0000 01000000")]
    [InlineData("r0 -= r1", "1f 10 0000 00000000")]
    [InlineData("w3 s>>= 0x1f", "c4 03 0000 1f000000")]
    [InlineData("r0 s/= r1", "3f 10 0100 00000000")]
    [InlineData("r0 s%= 3", "97 00 0100 03000000")]
    [InlineData("w0 = 0xffffffff", "b4 00 0000 ffffffff")]
    [InlineData("r0 = -r0", "87 00 0000 00000000")]
    [InlineData("w2 = -w2", "84 02 0000 00000000")]
    [InlineData("r0 = (s8)r1", "bf 10 0800 00000000")]
    [InlineData("w0 = (s16)w1", "bc 10 1000 00000000")]
    [InlineData("r0 = (s32)r1", "bf 10 2000 00000000")]
    [InlineData("r1 = be16 r1", "dc 01 0000 10000000")]
    [InlineData("r1 = le32 r1", "d4 01 0000 20000000")]
    [InlineData("r1 = bswap64 r1", "d7 01 0000 40000000")]
    [InlineData("r0 = 0x1122334455667788 ll", "18 00 0000 88776655 00 00 0000 44332211")]
    [InlineData("r0 = -0x1 ll", "18 00 0000 ffffffff 00 00 0000 ffffffff")]
    [InlineData("r1 = map_by_idx(0x3) ll", "18 51 0000 03000000 00 00 0000 00000000")]
    [InlineData("r1 = map_val(map_by_idx(2)) + 16 ll", "18 61 0000 02000000 00 00 0000 10000000")]
    [InlineData("r1 = map_by_fd(7) ll", "18 11 0000 07000000 00 00 0000 00000000")]
    [InlineData("r1 = map_val(map_by_fd(7)) + 0x8 ll", "18 21 0000 07000000 00 00 0000 08000000")]
    [InlineData("r2 = var_addr(0x5) ll", "18 32 0000 05000000 00 00 0000 00000000")]
    [InlineData("r2 = code_addr(0x5) ll", "18 42 0000 05000000 00 00 0000 00000000")]
    [InlineData("ld_pseudo\tr1, 0x5, 0x3", "18 51 0000 03000000 00 00 0000 00000000")]
    [InlineData("r0 = *(u64 *)(r1 + 2)", "79 10 0200 00000000")]
    [InlineData("w0 = *(u32 *)(r1 - 0x8)", "61 10 f8ff 00000000")]
    [InlineData("r0 = *(u16 *)(r1 + 0)", "69 10 0000 00000000")]
    [InlineData("r0 = *(s8 *)(r1 + 0)", "91 10 0000 00000000")]
    [InlineData("r0 = *(s32 *)(r1 + 0x4)", "81 10 0400 00000000")]
    [InlineData("*(u32 *)(r10 - 8) = w1", "63 1a f8ff 00000000")]
    [InlineData("*(u64 *)(r10 - 8) = r1", "7b 1a f8ff 00000000")]
    [InlineData("*(u8 *)(r10 - 1) = 128", "72 0a ffff 80000000")]
    [InlineData("*(u16 *)(r10 - 2) = -0x1", "6a 0a feff ffffffff")]
    [InlineData("if r1 > 0x5 goto +3 <LBB0_2>", "25 01 0300 05000000")]
    [InlineData("if w1 s< w2 goto -0x2", "ce 21 feff 00000000")]
    [InlineData("if r1 & 8 goto +0", "45 01 0000 08000000")]
    [InlineData("goto +1", "05 00 0100 00000000")]
    [InlineData("gotol -0x1", "06 00 0000 ffffffff")]
    [InlineData("call 1", "85 00 0000 01000000")]
    [InlineData("call pc-0x5", "85 10 0000 fbffffff")]
    [InlineData("call pc+2", "85 10 0000 02000000")]
    [InlineData("callx r2", "8d 02 0000 00000000")]
    [InlineData("lock *(u64 *)(r10 - 8) += r1", "db 1a f8ff 00000000")]
    [InlineData("lock *(u32 *)(r10 - 0xc) += r3", "c3 3a f4ff 00000000")]
    [InlineData("lock *(u32 *)(r10 - 8) ^= w1", "c3 1a f8ff a0000000")]
    [InlineData("r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)", "db 1a f8ff 01000000")]
    [InlineData("w1 = atomic_fetch_or((u32 *)(r10 - 8), w1)", "c3 1a f8ff 41000000")]
    [InlineData("r1 = xchg_64(r10 - 8, r1)", "db 1a f8ff e1000000")]
    [InlineData("w1 = xchg32_32(r10 - 8, w1)", "c3 1a f8ff e1000000")]
    [InlineData("r0 = cmpxchg_64(r10 - 8, r0, r1)", "db 1a f8ff f1000000")]
    [InlineData("w0 = cmpxchg32_32(r10 - 0x8, w0, w1)", "c3 1a f8ff f1000000")]
    public void Assembles_llvm_syntax(string text, string bytes) => Assert.Equal(Compact(bytes), Hex(text));

    [Fact]
    public void Labels_resolve_forwards_and_backwards_in_both_syntaxes()
    {
        var program = Assembler.Assemble("""
            start:
              mov %r0, 0          # 0
              jeq %r1, 0, done    ; 1: +3
              if r1 > 2 goto done // 2: +2
            loop: r0 += 1         # 3, a label and an instruction on one line
              ja loop             # 4: -2
            done:
              call local func     # 5: +1
              exit                # 6
            func:
              goto start          # 7: -8
              gotol func          # 8: -2
            """);
        Assert.Equal([3, 2, -2, -8], new[] { 1, 2, 4, 7 }.Select(i => (int)program[i].Offset));
        Assert.Equal(1, program[5].Imm);
        Assert.Equal(-2, program[8].Imm);
    }

    [Fact]
    public void Exit_names_the_first_exit_unless_defined() // as bpf_conformance's assembler does
    {
        Assert.Equal(1, Assembler.Assemble("jne %r0, 0, exit\nmov %r0, 1\nexit\nexit")[0].Offset);
        Assert.Equal(2, Assembler.Assemble("jne %r0, 0, exit\nexit\nmov %r0, 1\nexit:\nexit")[0].Offset);
    }

    [Fact]
    public void Slot_numbers_and_source_lines_of_a_listing_are_ignored() =>
        Assert.Equal(Assembler.Assemble("r0 = 1\nexit"), Assembler.Assemble("; int f() {\n       0:\tr0 = 0x1\n       1:\texit"));

    [Fact]
    public void Blank_and_comment_only_text_assembles_to_nothing() =>
        Assert.Empty(Assembler.Assemble("\n  # nothing\r\n; here\n// at all\n"));

    [Theory]
    [InlineData("exit\nfoo %r0", "line 2: unknown mnemonic 'foo'")]
    [InlineData("mov %r0", "line 1: 'mov' takes 2 operands, not 1")]
    [InlineData("exit %r0", "line 1: 'exit' takes 0 operands, not 1")]
    [InlineData("mov %r11, 1", "line 1: invalid register '%r11'")]
    [InlineData("mov r1, 1", "line 1: invalid register 'r1'")]
    [InlineData("r11 = 1", "line 1: invalid register 'r11'")]
    [InlineData("mov32 %r0, -2147483649", "line 1: immediate -2147483649 is out of range")]
    [InlineData("r0 = 0x1122334455667788", "line 1: immediate 0x1122334455667788 is out of range")]
    [InlineData("ldxw %r0, [%r1-32769]", "line 1: offset -32769 is out of range (-32768..32767)")]
    [InlineData("mov %r0, zero", "line 1: 'zero' is not a number")]
    [InlineData("ja +32768", "line 1: jump distance 32768 does not fit in a 16-bit offset")]
    [InlineData("ja 1x", "line 1: bad jump target '1x'")]
    [InlineData("call local", "line 1: bad call target 'local'")]
    [InlineData("lock nand [%r10-8], %r1", "line 1: unknown atomic operation 'lock nand'")]
    [InlineData("ja nowhere", "line 1: unknown label 'nowhere'")]
    [InlineData("a:\nexit\na:\nexit", "line 3: duplicate label 'a'")]
    [InlineData(".text", "line 1: unknown directive '.text'")]
    [InlineData("r0 **= 1", "line 1: unknown operator '**='")]
    [InlineData("w1 += r2", "line 1: 'r2' should be a 32-bit w register here")]
    [InlineData("r0 = *(u64 *)(w1 + 0)", "line 1: 'w1' should be a 64-bit r register here")]
    [InlineData("w0 = *(u64 *)(r1 + 0)", "line 1: 'w0' should be a 64-bit r register here")]
    [InlineData("r0 = *(s64 *)(r1 + 0)", "line 1: there is no sign-extending 64-bit load")]
    [InlineData("r0 = -r1", "line 1: 'r0 = -r1' must name the same register on both sides")]
    [InlineData("w0 = (s32)w1", "line 1: cannot sign-extend from 's32' (s8 or s16)")]
    [InlineData("r1 = be8 r1", "line 1: unknown byte swap 'be8'")]
    [InlineData("r1 = cmpxchg_64(r10 - 8, r0, r1)", "line 1: cmpxchg compares with and returns in r0")]
    [InlineData("r1 = xchg(r10 - 8, r1)", "line 1: unknown atomic operation 'xchg'")]
    [InlineData("lock *(u16 *)(r10 - 8) += r1", "line 1: atomic operations take u32 or u64")]
    [InlineData("if r1 =< 2 goto +1", "line 1: unknown comparison '=<'")]
    [InlineData("r0 = what", "line 1: cannot parse 'r0 = what'")]
    public void Rejects_bad_input_with_the_line_and_reason(string text, string message)
    {
        var error = Assert.Throws<ProgramFormatException>(() => Assembler.Assemble(text));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void A_label_too_far_for_a_16_bit_offset_is_rejected()
    {
        string text = "ja far\n" + string.Concat(Enumerable.Repeat("exit\n", 40000)) + "far: exit";
        var error = Assert.Throws<ProgramFormatException>(() => Assembler.Assemble(text));
        Assert.StartsWith("line 1: jump distance 40000 does not fit in a 16-bit offset", error.Message);
        Assert.Equal(40000, Assembler.Assemble("ja32" + text[2..])[0].Imm);
    }
}
