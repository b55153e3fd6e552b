using CsCheck;
using Firmware.Ebpf.Tests.Jit;

namespace Firmware.Nano.Tests;

/// <summary>
/// Random programs on the .NET reference interpreter and on the nano-compiled profile: the same r0, fault
/// (kind, instruction, address, size), buffer, stack and map contents, bit for bit.
/// </summary>
public class DifferentialTests
{
    [Fact]
    public void Straight_line_programs_agree() =>
        ProgramGenerator.StraightLinePrograms.Sample(program => Differential.Check(program, instance => new NanoEngine(instance)), iter: 2000);

    [Fact]
    public void Programs_with_loops_calls_helpers_and_maps_agree() =>
        ProgramGenerator.Programs.Sample(program => Differential.Check(program, instance => new NanoEngine(instance)), iter: 5000);
}
