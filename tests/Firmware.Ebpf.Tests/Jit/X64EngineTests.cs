using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.X64;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>The x64 engine as the rest of the runtime sees it: its name and its cost per run (compile time is in bench/).</summary>
public class X64EngineTests
{
    [X64Fact]
    public void Engine_x64_is_offered_and_created_by_name()
    {
        using var instance = ProgramInstance.Create(EbpfProgram.FromInstructions("p", Assembler.Assemble("r0 = 7\nexit")), new HelperTable());

        using var engine = Engines.Create(Engines.X64, instance);

        Assert.Contains(Engines.X64, Engines.Names);
        Assert.IsType<JitEngine>(engine);
        Assert.Equal("x64", engine.Name);
        Assert.Equal(RunResult.Success(7), engine.RunOnBuffer([]));
    }

    [X64Fact]
    public void Runs_allocate_nothing_once_warm()
    {
        // A buffer loop, an inlined lookup, a helper through the bridge and a fault exit.
        using var run = new JitRun("""
            r6 = r1
            r7 = 0
            loop:
            r3 = *(u8 *)(r6 + 0)
            r7 += r3
            r6 += 1
            r2 += -1
            if r2 != 0 goto loop
            *(u32 *)(r10 - 4) = 0
            r1 = map_by_idx(0) ll
            r2 = r10
            r2 += -4
            call 1
            call 5
            r0 = *(u8 *)(r6 + 0)
            exit
            """, StandardHelpers.CreateTable(), [new MapDefinition("values", MapType.Array, 4, 8, 1)]);
        var buffer = GC.AllocateArray<byte>(64, pinned: true);

        for (int i = 0; i < 200; i++) run.Jit.RunOnBuffer(buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) run.Jit.RunOnBuffer(buffer);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(FaultKind.InvalidRead, run.Jit.RunOnBuffer(buffer).Fault.Kind);
    }

    [X64Theory]
    [InlineData("r0 = *(u32 *)(r1 + 0)\nif r0 > 3 goto +1\nr0 = 1\nexit", true)]
    [InlineData("r0 = 3\nr0 -= 1\nif r0 != 0 goto -2\nexit", false)]          // a back edge: runs for as long as the budget lets it
    [InlineData("r1 = 0\ncall 1\nexit", false)]                              // enters managed code (a refused map handle)
    [InlineData("call +1\nexit\nr0 = 1\nexit", false)]                       // a local call
    public void Only_short_straight_code_runs_without_a_GC_transition(string assembly, bool brief)
    {
        using var run = new JitRun(assembly, StandardHelpers.CreateTable());

        Assert.Equal(brief, run.Compiled.Brief);
        run.RunBoth(new byte[4]);
    }
}
