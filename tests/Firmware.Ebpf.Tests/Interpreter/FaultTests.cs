using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Interpreter;

/// <summary>
/// Faults are values that name the instruction (by slot, as the bytecode counts them), the guest
/// address and the access size; a faulting store writes nothing. Every engine must report the same
/// fault for the same program, so each case runs on every engine in <see cref="Engines.Names"/>.
/// </summary>
public unsafe class FaultTests
{
    public static TheoryData<string> EngineNames() => [.. Engines.Names];

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Read_past_the_end_of_the_buffer_is_an_invalid_read(string engine)
    {
        // The lddw takes two slots, so the faulting load is slot 4.
        using var run = new FaultRun(engine, """
            mov %r0, 0
            lddw %r3, 0x1122334455667788
            ldxb %r2, [%r1+7]
            ldxw %r0, [%r1+6]
            exit
            """);
        var buffer = Pinned(8);

        var result = run.Engine.RunOnBuffer(buffer);

        Assert.Equal(new Fault(FaultKind.InvalidRead, 4, Address(buffer) + 6, 4), result.Fault);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Write_before_the_buffer_is_an_invalid_write(string engine)
    {
        using var run = new FaultRun(engine, "stb [%r1-1], 7\nexit");
        var buffer = Pinned(8);

        var result = run.Engine.RunOnBuffer(buffer);

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 0, Address(buffer) - 1, 1), result.Fault);
        Assert.Equal(Pinned(8), buffer);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Write_straddling_the_end_of_the_buffer_writes_none_of_its_bytes(string engine)
    {
        using var run = new FaultRun(engine, "mov %r2, -1\nstxdw [%r1+4], %r2\nexit");
        var buffer = Pinned(8);

        var result = run.Engine.RunOnBuffer(buffer);

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 1, Address(buffer) + 4, 8), result.Fault);
        Assert.Equal(Pinned(8), buffer);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Write_into_read_only_rodata_is_an_invalid_write(string engine)
    {
        byte[] constants = [1, 2, 3, 4, 5, 6, 7, 8];
        var rodata = new MapDefinition(".rodata", MapType.Array, 4, 8, 1, InitialValue: constants, ReadOnly: true);
        var program = new EbpfProgram("rodata", Assembler.Assemble("""
            r1 = map_val(map_by_idx(0)) + 4 ll
            r0 = *(u32 *)(r1 + 0)
            *(u32 *)(r1 + 0) = 0
            exit
            """), [rodata]);
        using var run = new FaultRun(engine, program);
        ulong value = run.Instance.Maps[0].ValueRegion.Start;

        var result = run.Engine.RunOnBuffer([]);

        // The load before it was allowed: the fault is the store, in slot 3.
        Assert.Equal(new Fault(FaultKind.InvalidWrite, 3, value + 4, 4), result.Fault);
        Assert.Equal(constants, new ReadOnlySpan<byte>((void*)value, constants.Length).ToArray());
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Write_to_an_address_far_from_every_region_is_an_invalid_write(string engine)
    {
        using var run = new FaultRun(engine, "lddw %r1, 0x10000000\nstdw [%r1+0], 1\nexit");

        var result = run.Engine.RunOnBuffer(Pinned(8));

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 2, 0x10000000, 8), result.Fault);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Store_above_the_frame_pointer_is_an_invalid_write(string engine)
    {
        using var run = new FaultRun(engine, "stdw [%r10+0], 1\nexit");

        var result = run.Engine.RunOnBuffer([]);

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 0, run.Instance.StackTop, 8), result.Fault);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Unbounded_recursion_exceeds_the_call_depth(string engine)
    {
        using var run = new FaultRun(engine, """
            call local recurse
            exit
            recurse: call local recurse
            exit
            """);

        var result = run.Engine.RunOnBuffer([]);

        Assert.Equal(new Fault(FaultKind.CallDepthExceeded, 2), result.Fault);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Infinite_loop_exhausts_the_budget(string engine)
    {
        using var run = new FaultRun(engine, """
            mov %r0, 0
            loop: add %r0, 1
            ja loop
            exit
            """, new ExecutionLimits(1000));

        var result = run.Engine.RunOnBuffer([]);

        Assert.Equal(new Fault(FaultKind.BudgetExceeded, 2), result.Fault);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Misaligned_64_bit_atomic_on_the_stack_faults_without_writing(string engine)
    {
        // r10-12 is 4-aligned, not 8-aligned.
        using var run = new FaultRun(engine, "mov %r1, 1\nlock add [%r10-12], %r1\nexit");

        var result = run.Engine.RunOnBuffer([]);

        Assert.Equal(new Fault(FaultKind.MisalignedAtomic, 1, run.Instance.StackTop - 12, 8), result.Fault);
        Assert.All(TopOfStack(run.Instance, 16).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Misaligned_32_bit_atomic_on_the_stack_faults_without_writing(string engine)
    {
        using var run = new FaultRun(engine, "mov %r1, 1\nlock fetch add32 [%r10-6], %r1\nexit");

        var result = run.Engine.RunOnBuffer([]);

        Assert.Equal(new Fault(FaultKind.MisalignedAtomic, 1, run.Instance.StackTop - 6, 4), result.Fault);
        Assert.All(TopOfStack(run.Instance, 16).ToArray(), b => Assert.Equal(0, b));
    }

    /// <summary>On the pinned heap, so its address during a run is the one the test computes.</summary>
    private static byte[] Pinned(int length)
    {
        var buffer = GC.AllocateArray<byte>(length, pinned: true);
        for (int i = 0; i < length; i++) buffer[i] = (byte)(0xa0 + i);
        return buffer;
    }

    private static ulong Address(byte[] pinned) => (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    private static ReadOnlySpan<byte> TopOfStack(ProgramInstance instance, int bytes) =>
        new((void*)(instance.StackTop - (ulong)bytes), bytes);

    /// <summary>A program's instance (no helpers) and one engine over it, disposed together.</summary>
    private sealed class FaultRun : IDisposable
    {
        public FaultRun(string engine, string assembly, ExecutionLimits? limits = null)
            : this(engine, EbpfProgram.FromInstructions("fault", Assembler.Assemble(assembly)), limits)
        {
        }

        public FaultRun(string engine, EbpfProgram program, ExecutionLimits? limits = null)
        {
            Instance = ProgramInstance.Create(program, new HelperTable(), limits);
            Engine = Engines.Create(engine, Instance);
        }

        public ProgramInstance Instance { get; }
        public IEngine Engine { get; }

        public void Dispose()
        {
            Engine.Dispose();
            Instance.Dispose();
        }
    }
}
