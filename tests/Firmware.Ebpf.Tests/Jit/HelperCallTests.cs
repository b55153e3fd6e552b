using System.Numerics;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>Helper calls and callx from JIT code: arguments, preserved registers, faults, unwinding, exceptions.</summary>
public class HelperCallTests
{
    private const int Recorder = 200, Refuser = 201, Thrower = 202, Unwinder = 203;

    /// <summary>Records its arguments and returns their sum; uses SIMD so a misaligned native stack would show.</summary>
    private sealed class RecordingHelper() : Helper(Recorder, "record")
    {
        public ulong[] Arguments { get; } = new ulong[5];
        public int Calls { get; private set; }

        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
        {
            Calls++;
            (Arguments[0], Arguments[1], Arguments[2], Arguments[3], Arguments[4]) = (r1, r2, r3, r4, r5);
            var sum = new Vector<ulong>(r1) + new Vector<ulong>(r2 + r3 + r4 + r5);
            return sum[0];
        }
    }

    private sealed class RefusingHelper() : Helper(Refuser, "refuse")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
        {
            context.Fail(FaultKind.HelperFault, r1, 16);
            return 99;
        }
    }

    private sealed class ThrowingHelper() : Helper(Thrower, "throw")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
            r1 == 0 ? throw new InvalidOperationException("helper failed") : r1;
    }

    private sealed class UnwindingHelper() : Helper(Unwinder, "unwind")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
        {
            context.Unwind = true;
            return 1234;
        }
    }

    private static HelperTable Table(RecordingHelper recorder) => new HelperTable()
        .Add(recorder).Add(new RefusingHelper()).Add(new ThrowingHelper()).Add(new UnwindingHelper());

    [X64Fact]
    public void Helper_gets_r1_to_r5_and_every_register_survives_the_call()
    {
        var recorder = new RecordingHelper();
        using var run = new JitRun("""
            r1 = 11
            r2 = 22
            r3 = 33
            r4 = 44
            r5 = 55
            r6 = 66
            r7 = 77
            r8 = 88
            r9 = 99
            call 200
            r0 *= 1000
            r0 += r1
            r0 += r2
            r0 += r3
            r0 += r4
            r0 += r5
            r0 += r6
            r0 += r7
            r0 += r8
            r0 += r9
            exit
            """, Table(recorder));

        var result = run.RunBoth();

        Assert.Equal(165UL * 1000 + 495, result.Value);
        Assert.Equal([11UL, 22, 33, 44, 55], recorder.Arguments);
    }

    [X64Fact]
    public void Helper_called_from_every_call_depth_runs_on_an_aligned_stack()
    {
        // Each level calls the helper, then recurses while r6 > 0; r0 accumulates the helper's results.
        var recorder = new RecordingHelper();
        using var run = new JitRun("""
            r6 = 6
            r7 = 0
            call level
            r0 = r7
            exit
            level:
            r1 = r6
            call 200
            r7 += r0
            if r6 == 0 goto done
            r6 -= 1
            call level
            done:
            exit
            """, Table(recorder));

        var result = run.RunBoth();

        Assert.Equal(0UL, result.Value); // r7 is restored by every return: the outermost frame saw r7 = 0
        Assert.Equal(2 * 7, recorder.Calls);
    }

    [X64Fact]
    public void Refusing_helper_is_a_helper_fault_at_the_call()
    {
        using var run = new JitRun("r1 = 0x1000\nr0 = 5\ncall 201\nr0 = 7\nexit", Table(new RecordingHelper()));

        var result = run.RunBoth();

        Assert.Equal(new Fault(FaultKind.HelperFault, 2, 0x1000, 16), result.Fault);
    }

    [X64Fact]
    public void Unwinding_helper_stops_the_program_with_its_return_value()
    {
        using var run = new JitRun("r0 = 5\ncall 203\nr0 = 7\nexit", Table(new RecordingHelper()));

        Assert.Equal(RunResultOf(1234), run.RunBoth());
    }

    [X64Fact]
    public void Exception_from_a_helper_reaches_the_caller_and_the_engine_still_runs()
    {
        using var run = new JitRun("r1 = r2\ncall 202\nexit", Table(new RecordingHelper()));
        var buffer = GC.AllocateArray<byte>(3, pinned: true);

        var error = Assert.Throws<InvalidOperationException>(() => run.Jit.RunOnBuffer([]));

        Assert.Equal("helper failed", error.Message);
        Assert.Equal(RunResultOf(3), run.Jit.RunOnBuffer(buffer));
    }

    [X64Fact]
    public void Callx_resolves_the_helper_number_at_run_time()
    {
        var recorder = new RecordingHelper();
        using var run = new JitRun("r6 = 200\nr1 = 1\nr2 = 2\nr3 = 3\nr4 = 4\nr5 = 5\ncallx r6\nexit", Table(recorder));

        Assert.Equal(RunResultOf(15), run.RunBoth());
        Assert.Equal([1UL, 2, 3, 4, 5], recorder.Arguments);
    }

    [X64Theory]
    [InlineData(12345UL)]
    [InlineData(0x1_0000_00c8UL)] // 200 in the low half: ids above int.MaxValue name no helper
    [InlineData(ulong.MaxValue)]
    public void Callx_to_an_unknown_helper_is_a_fault_naming_the_number(ulong id)
    {
        using var run = new JitRun($"r0 = 1\nr4 = {(long)id} ll\ncallx r4\nexit", Table(new RecordingHelper()));

        Assert.Equal(new Fault(FaultKind.UnknownHelper, 3, id), run.RunBoth().Fault);
    }

    private static RunResult RunResultOf(ulong value) => RunResult.Success(value);
}
