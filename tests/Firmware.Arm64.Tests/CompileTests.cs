using CsCheck;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.Arm64;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Tests.Jit;
using Firmware.Ebpf.Text;
using Firmware.Tools.Conformance;

namespace Firmware.Arm64.Tests;

/// <summary>
/// The compiler on this (x86-64) host, before anything runs under emulation: every conformance program and
/// a sample of generated ones compile, and every word of their code is an instruction LLVM can decode.
/// </summary>
public class CompileTests
{
    [Fact]
    public void Every_word_the_compiler_emits_decodes_as_an_A64_instruction()
    {
        var code = new List<byte>();
        int programs = 0;
        foreach (var file in Directory.GetFiles(RepoPaths.ConformanceTests, "*.data").Order(StringComparer.Ordinal))
        {
            var test = ConformanceCase.Load(file);
            if (test.Error is not null) continue;
            var program = test.Raw is { } raw ? EbpfProgram.FromBytecode(test.Name, raw) : EbpfProgram.FromInstructions(test.Name, Assembler.Assemble(test.Asm!));
            using var instance = new ProgramInstance(program, ConformanceRunner.Helpers(), []);
            code.AddRange(Arm64Jit.Compile(instance, NoProofs.Instance).Code);
            programs++;
        }
        foreach (var generated in ProgramGenerator.Programs.Array[200].Single())
        {
            using var instance = ProgramInstance.Create(new EbpfProgram("generated", generated.Code, ProgramGenerator.Maps), ProgramGenerator.Helpers());
            code.AddRange(Arm64Jit.Compile(instance, NoProofs.Instance).Code);
            programs++;
        }

        var (instructions, diagnostics) = LlvmMc.Disassemble(code.ToArray());

        Assert.True(diagnostics.Length == 0, $"{programs} programs: {diagnostics[..Math.Min(2000, diagnostics.Length)]}");
        Assert.Equal(code.Count / 4, instructions);
    }
}
