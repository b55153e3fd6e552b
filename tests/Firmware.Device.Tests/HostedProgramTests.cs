using Firmware.Device.Programs;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Device.Tests;

/// <summary>The check a device makes before attaching a program: refused programs leave nothing behind that could fail later.</summary>
public sealed class HostedProgramTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Theory]
    [InlineData(Engines.Interpreter)]
    [InlineData(Engines.X64)]
    public void A_program_the_engine_refuses_is_refused_by_the_check_and_nothing_half_built_is_finalized(string engine)
    {
        var program = EbpfProgram.FromInstructions("unknown_helper", Assembler.Assemble("call 0x7777\nexit"));
        using var maps = new MapSet([]);
        var hosted = new HostedProgram(program, kit.Board.Hooks[0], engine, ExecutionLimits.Default, maps, StandardHelpers.CreateTable());

        Assert.Contains("unknown helper", Assert.Throws<ProgramFormatException>(hosted.Check).Message);

        // A finalizer of the runner that was being built would throw here and take the process down.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(0, hosted.Runners);
    }
}
