using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>
/// The JIT's inline region checks follow the run's regions as they change between runs, respect access
/// rights, and are left out only where an access cannot leave its region.
/// </summary>
public unsafe class RegionCheckTests
{
    private const string ReadAt32 = "r0 = *(u32 *)(r1 + 32)\nexit";

    [X64Fact]
    public void Checks_follow_the_buffer_of_each_run()
    {
        using var run = new JitRun(ReadAt32);
        var large = Pinned(64);
        var small = Pinned(8);
        large[32] = 7;

        Assert.Equal(RunResult.Success(7), run.Jit.RunOnBuffer(large));
        Assert.Equal(new Fault(FaultKind.InvalidRead, 0, Address(small) + 32, 4), run.Jit.RunOnBuffer(small).Fault);
        Assert.Equal(new Fault(FaultKind.InvalidRead, 0, 32, 4), run.Jit.RunOnBuffer([]).Fault);
        Assert.Equal(RunResult.Success(7), run.Jit.RunOnBuffer(large));
    }

    [X64Fact]
    public void Regions_of_a_previous_run_grant_nothing()
    {
        using var run = new JitRun("r0 = *(u8 *)(r2 + 0)\nexit");
        var first = Pinned(16);
        var second = Pinned(16);
        first[0] = 9;

        Assert.Equal(RunResult.Success(9), Execute(run, [Buffer(first), Buffer(second)], Address(first), Address(first)));
        Assert.Equal(new Fault(FaultKind.InvalidRead, 0, Address(first), 1),
            Execute(run, [Buffer(second)], Address(second), Address(first)).Fault);
    }

    [X64Fact]
    public void Many_per_run_regions_are_all_checked()
    {
        using var run = new JitRun("r0 = *(u8 *)(r2 + 3)\n*(u8 *)(r2 + 2) = 1\nexit");
        var buffers = Enumerable.Range(0, 20).Select(_ => Pinned(4)).ToArray();
        buffers[17][3] = 42;
        var regions = buffers.Select(Buffer).ToArray();

        Assert.Equal(RunResult.Success(42), Execute(run, regions, Address(buffers[0]), Address(buffers[17])));
        Assert.Equal(1, buffers[17][2]);
    }

    [X64Fact]
    public void Writes_need_write_access_and_reads_need_read_access()
    {
        using var run = new JitRun("r0 = *(u8 *)(r1 + 0)\n*(u8 *)(r2 + 0) = 1\nexit");
        var readOnly = Pinned(4);
        var writeOnly = Pinned(4);
        Region[] regions =
        [
            Region.FromLength(Address(readOnly), 4, Access.Read, RegionKind.Context),
            Region.FromLength(Address(writeOnly), 4, Access.Write, RegionKind.Context),
        ];

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 1, Address(readOnly), 1), Execute(run, regions, Address(readOnly), Address(readOnly)).Fault);
        Assert.Equal(new Fault(FaultKind.InvalidRead, 0, Address(writeOnly), 1), Execute(run, regions, Address(writeOnly), Address(writeOnly)).Fault);
        Assert.True(Execute(run, regions, Address(readOnly), Address(writeOnly)).Ok);
    }

    [X64Fact]
    public void Atomics_need_read_and_write_access()
    {
        using var run = new JitRun("r2 = 1\nlock *(u32 *)(r1 + 0) += w2\nexit");
        var readOnly = Pinned(4);

        var fault = Execute(run, [Region.FromLength(Address(readOnly), 4, Access.Read, RegionKind.Context)], Address(readOnly), 0).Fault;

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 1, Address(readOnly), 4), fault);
    }

    [X64Fact]
    public void Frame_relative_accesses_compile_without_checks_and_others_with()
    {
        using var run = new JitRun("""
            *(u64 *)(r10 - 8) = 1
            r0 = *(u64 *)(r10 - 512)
            *(u8 *)(r10 - 513) = 2
            r0 = *(u8 *)(r10 + 0)
            exit
            """);

        Assert.Equal(2, run.Compiled.CacheSlots);
        Assert.Equal(new Fault(FaultKind.InvalidRead, 3, run.Instance.StackTop, 1), run.RunBoth().Fault);
    }

    [X64Fact]
    public void Proven_accesses_are_not_checked()
    {
        using var run = new JitRun(ReadAt32, proofs: new ProvenAt(0));
        var buffer = Pinned(64);
        buffer[32] = 5;

        Assert.Equal(0, run.Compiled.CacheSlots);
        Assert.Equal(RunResult.Success(5), run.Jit.RunOnBuffer(buffer));
    }

    private sealed class ProvenAt(int instruction) : IAccessProofs
    {
        public bool IsProvenSafe(int instructionIndex) => instructionIndex == instruction;
    }

    private static RunResult Execute(JitRun run, Region[] regions, ulong r1, ulong r2)
    {
        run.Instance.BeginRun(regions);
        try
        {
            var expected = run.Interpreter.Execute(r1, r2, 0, 0, 0);
            var actual = run.Jit.Execute(r1, r2, 0, 0, 0);
            Assert.Equal(expected, actual);
            return actual;
        }
        finally
        {
            run.Instance.EndRun();
        }
    }

    private static byte[] Pinned(int length) => GC.AllocateArray<byte>(length, pinned: true);

    private static ulong Address(byte[] pinned) => (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);

    private static Region Buffer(byte[] pinned) => Region.FromLength(Address(pinned), (ulong)pinned.Length, Access.ReadWrite, RegionKind.Buffer);
}
