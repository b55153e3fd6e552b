using CsCheck;
using Firmware.Ebpf.Engine;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>Random programs on the interpreter and the x86-64 JIT: the same r0, fault and memory, bit for bit.</summary>
public class DifferentialTests
{
    private static IEngine X64(ProgramInstance instance) => Engines.Create(Engines.X64, instance);

    [X64Fact]
    public void Straight_line_programs_agree() =>
        ProgramGenerator.StraightLinePrograms.Sample(program => Differential.Check(program, X64), iter: 5000);

    [X64Fact]
    public void Programs_with_loops_calls_helpers_and_maps_agree() =>
        ProgramGenerator.Programs.Sample(program => Differential.Check(program, X64), iter: 10000);
}
