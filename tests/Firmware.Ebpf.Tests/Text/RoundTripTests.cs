using CsCheck;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Text;

public class RoundTripTests
{
    [Fact]
    public void Generated_programs_are_valid() =>
        InstructionGen.Program().Sample(program => Assert.Null(Decoder.Validate(program)), iter: 1000);

    [Fact]
    public void Disassembly_assembles_to_the_same_bytes() =>
        InstructionGen.Program().Sample(program =>
        {
            string text = string.Join('\n', Listing(program));
            Assert.Equal(Instruction.WriteAll(program), Instruction.WriteAll(Assembler.Assemble(text)));
        }, iter: 3000, print: Describe);

    [Fact]
    public void Printed_listing_with_source_lines_assembles_to_the_same_bytes() =>
        InstructionGen.Program().Sample(program =>
        {
            var lines = new List<LineInfo> { new(0, "x.c", 1, 1, "int f(void) { // the first line") };
            if (program.Length > 2) lines.Add(new LineInfo(program.Length / 2, "x.c", 2, 5, "    return 0; # and the second"));
            var output = new StringWriter();
            Disassembler.Print(new EbpfProgram("p", program, lines: lines), output);
            Assert.Equal(Instruction.WriteAll(program), Instruction.WriteAll(Assembler.Assemble(output.ToString())));
        }, iter: 300, print: Describe);

    /// <summary>Disassembled text, one instruction a line (lddw's second slot has no line of its own).</summary>
    internal static IEnumerable<string> Listing(Instruction[] program)
    {
        for (int i = 0; i < program.Length; i += program[i].IsLddw ? 2 : 1)
            yield return Disassembler.Format(program, i);
    }

    internal static string Describe(Instruction[] program) =>
        string.Join('\n', Listing(program).Zip(program.Where((_, i) => i == 0 || !program[i - 1].IsLddw), (text, insn) => $"{insn}  {text}"));
}
