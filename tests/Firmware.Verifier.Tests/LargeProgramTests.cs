using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Verifier.Tests;

/// <summary>
/// Patch-shaped programs of 100, 1,000 and 4,096 instructions verify within the visit limit.
/// Their verify time is a benchmark (bench/Firmware.Bench, VerifierBenchmarks), not a test.
/// </summary>
public sealed class LargeProgramTests
{
    public const int MemSize = 64;

    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(4096)]
    public void Large_patch_shaped_programs_are_accepted(int instructions)
    {
        var program = new EbpfProgram($"chain{instructions}", Assembler.Assemble(PatchShapedPrograms.Assembly(instructions)));
        Assert.Equal(instructions, program.Instructions.Length);

        var result = Verifier.Verify(program, VerifierOptions.ForBuffer(MemSize));

        Assert.True(result.Accepted, string.Join('\n', result.Errors));
        Assert.InRange(result.InstructionsVisited, instructions, VerifierOptions.ForBuffer(MemSize).MaxInstructionsVisited);
    }
}
