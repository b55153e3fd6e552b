using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Tools.Conformance;

namespace Firmware.Tools.Tests.Conformance;

/// <summary>The assembler on every bpf_conformance program, and on every invalid_* negative case.</summary>
public class ConformanceAssemblyTests
{
    private static string[] PositiveNames => Names(RepoPaths.ConformanceTests, "*.data");

    private static string[] InvalidNames => Names(RepoPaths.ConformanceNegative, "invalid_*.data");

    public static TheoryData<string> Positive() => new(PositiveNames);

    public static TheoryData<string> Invalid() => new(InvalidNames);

    [Theory]
    [MemberData(nameof(Positive))]
    public void Assembles_to_a_valid_program_and_to_the_raw_bytes_when_given(string file)
    {
        var test = ConformanceCase.Load(Path.Combine(RepoPaths.ConformanceTests, file));
        Assert.True(test.Asm is not null, $"{file} has no asm section");
        var program = EbpfProgram.FromInstructions(file, Assembler.Assemble(test.Asm));
        if (test.Raw is { } raw)
            Assert.Equal(raw, Instruction.WriteAll(program.Instructions));
    }

    [Fact]
    public void Some_case_has_both_asm_and_raw() =>
        Assert.Contains(PositiveNames, file => ConformanceCase.Load(Path.Combine(RepoPaths.ConformanceTests, file)).Raw is not null);

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_case(string file)
    {
        var test = ConformanceCase.Load(Path.Combine(RepoPaths.ConformanceNegative, file));
        var error = Assert.Throws<ProgramFormatException>(() => Assembler.Assemble(test.Asm!));
        Assert.Contains(ExpectedErrors[file], error.Message);
        Assert.StartsWith("line ", error.Message);
    }

    [Fact]
    public void Every_invalid_case_has_an_expected_error() =>
        Assert.Equal(ExpectedErrors.Keys.Order(StringComparer.Ordinal), InvalidNames);

    /// <summary>File names matching <paramref name="pattern"/>, never none: missing test data fails loudly.</summary>
    private static string[] Names(string directory, string pattern)
    {
        string[] files = [.. Directory.GetFiles(directory, pattern).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(files);
        return files;
    }

    private static readonly Dictionary<string, string> ExpectedErrors = new()
    {
        ["invalid_imm32_dec_range.data"] = "immediate 2147483648 is out of range",
        ["invalid_imm32_hex_range.data"] = "immediate 0x100000000 is out of range",
        ["invalid_label.data"] = "unknown label 'NOT_A_LABEL'",
        ["invalid_lock.data"] = "'lock' takes an operation, a memory operand and a source register",
        ["invalid_lock2.data"] = "'lock' takes an operation, a memory operand and a source register",
        ["invalid_mnemonic.data"] = "unknown mnemonic 'ldxq'",
        ["invalid_offset.data"] = "expected a memory operand like [%r1+8], not '%r1'",
        ["invalid_offset_range.data"] = "offset +0x10000 is out of range",
        ["invalid_operand_count.data"] = "'lddw' takes 2 operands, not 1",
        ["invalid_register.data"] = "invalid register '%r50'",
        ["invalid_unknown_directive.data"] = "unknown directive '-- Unknown directive'",
    };
}
