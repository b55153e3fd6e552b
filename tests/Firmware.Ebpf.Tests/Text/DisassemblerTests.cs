using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Text;

public class DisassemblerTests
{
    private static string Format(params Instruction[] program) => Disassembler.Format(program, 0);

    [Theory]
    [InlineData("r1 = map_by_idx(3) ll", "r1 = map_by_idx(0x3) ll")]
    [InlineData("r1 = map_val(map_by_idx(2)) + 16 ll", "r1 = map_val(map_by_idx(0x2)) + 0x10 ll")]
    [InlineData("r1 = map_val(map_by_idx(2)) ll", "r1 = map_val(map_by_idx(0x2)) ll")]
    [InlineData("r1 = map_by_fd(0xffffffff) ll", "r1 = map_by_fd(0xffffffff) ll")]
    [InlineData("r9 = var_addr(1) + -4 ll", "r9 = var_addr(0x1) + -0x4 ll")]
    [InlineData("call local -4", "call pc-0x4")]
    [InlineData("call local +0", "call pc+0x0")]
    [InlineData("call 0x7fffffff", "call 0x7fffffff")]
    [InlineData("r0 = -0x8000000000000000 ll", "r0 = -0x8000000000000000 ll")]
    [InlineData("stxw [%r1-32768], %r2", "*(u32 *)(r1 - 0x8000) = w2")]
    public void Prints_the_forms_llvm_objdump_cannot_tell_apart(string source, string expected) =>
        Assert.Equal(expected, Disassembler.Format(Assembler.Assemble(source), 0));

    [Theory]
    [InlineData(0x8f, 0, 0)]   // neg has no register form
    [InlineData(0xd7, 0, 8)]   // bswap8
    [InlineData(0x8e, 0, 0)]   // call in JMP32
    [InlineData(0xbc, 32, 0)]  // 32-bit mov cannot sign-extend from 32 bits
    [InlineData(0x3c, 2, 0)]   // division offsets are 0 or 1
    [InlineData(0x21, 0, 0)]   // legacy packet access
    [InlineData(0xdb, 0, 0x02)] // no atomic operation 2
    public void Prints_unknown_for_what_is_not_an_instruction(byte opcode, short offset, int imm) =>
        Assert.Equal(Disassembler.Unknown, Format(new Instruction(opcode, 1, 2, offset, imm)));

    [Fact]
    public void Prints_unknown_for_a_truncated_lddw() =>
        Assert.Equal(Disassembler.Unknown, Format(new Instruction(Opcode.Lddw, 1, 0, 0, 5)));

    [Fact]
    public void Print_lists_slots_like_llvm_objdump_with_source_lines_like_its_S_option()
    {
        var program = new EbpfProgram("p", Assembler.Assemble("""
            r1 = 0x100000000 ll
            r0 = 1
            r0 += r1
            r0 += 2
            exit
            """), lines:
            [
                new LineInfo(0, "p.c", 3, 5, "    long a = 1L << 32;"),
                new LineInfo(3, "p.c", 4, 5, "    return a + 1"),
                new LineInfo(4, "p.c", 4, 14, "    return a + 1"),    // same line, another column: not repeated
                new LineInfo(5, "p.c", 3, 1, "    long a = 1L << 32;"), // back to an earlier line: printed again
            ]);
        var output = new StringWriter();
        Disassembler.Print(program, output);
        Assert.Equal("""
            ;     long a = 1L << 32;
                   0:	r1 = 0x100000000 ll
                   2:	r0 = 0x1
            ;     return a + 1
                   3:	r0 += r1
                   4:	r0 += 0x2
            ;     long a = 1L << 32;
                   5:	exit

            """.ReplaceLineEndings(output.NewLine), output.ToString());
    }

    [Fact]
    public void Print_without_line_info_prints_only_instructions()
    {
        var output = new StringWriter();
        Disassembler.Print(EbpfProgram.FromInstructions("p", Assembler.Assemble("mov %r0, 0\nexit")), output);
        Assert.Equal($"       0:\tr0 = 0x0{output.NewLine}       1:\texit{output.NewLine}", output.ToString());
    }
}
