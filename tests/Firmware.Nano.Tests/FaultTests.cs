using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Nano.Tests;

/// <summary>
/// Region faults, budgets, call depth and helper refusals on the profile: the same fault as the .NET
/// reference interpreter (kind, instruction, address, size, message) with the regions at the same
/// addresses, and at the profile's own virtual addresses when it runs on its default layout.
/// </summary>
public unsafe class FaultTests
{
    private static readonly MapDefinition[] Maps =
    [
        new("values", MapType.Array, 4, 8, 2),
        new(".rodata", MapType.Array, 4, 8, 1, InitialValue: [1, 2, 3, 4, 5, 6, 7, 8], ReadOnly: true),
    ];

    public static TheoryData<string, string, long, FaultKind, int, ulong, int> Cases() => new()
    {
        // name, program, budget, expected kind, instruction, address on the default layout, size
        { "read past the buffer", "mov %r0, 0\nlddw %r3, 0x1122334455667788\nldxb %r2, [%r1+7]\nldxw %r0, [%r1+6]\nexit", Budget, FaultKind.InvalidRead, 4, Buffer + 6, 4 },
        { "write before the buffer", "stb [%r1-1], 7\nexit", Budget, FaultKind.InvalidWrite, 0, Buffer - 1, 1 },
        { "write straddling the end", "mov %r2, -1\nstxdw [%r1+4], %r2\nexit", Budget, FaultKind.InvalidWrite, 1, Buffer + 4, 8 },
        { "read above the stack", "ldxdw %r0, [%r10+0]\nexit", Budget, FaultKind.InvalidRead, 0, Stack + 4096, 8 },
        { "null pointer", "mov %r2, 0\nldxb %r0, [%r2+0]\nexit", Budget, FaultKind.InvalidRead, 1, 0, 1 },
        { "write to .rodata", "r1 = map_val(map_by_idx(1)) + 4 ll\nr0 = *(u32 *)(r1 + 0)\n*(u32 *)(r1 + 0) = 0\nexit", Budget, FaultKind.InvalidWrite, 3, MapValues + 0x0100_0000 + 4, 4 },
        { "read past a map value", "r1 = map_val(map_by_idx(0)) + 0 ll\nr0 = *(u64 *)(r1 + 16)\nexit", Budget, FaultKind.InvalidRead, 2, MapValues + 16, 8 },
        { "misaligned atomic", "mov %r2, 1\nstxdw [%r10-16], %r2\nlock add [%r10-12], %r2\nexit", Budget, FaultKind.MisalignedAtomic, 2, Stack + 4096 - 12, 8 },
        { "atomic on .rodata", "r1 = map_val(map_by_idx(1)) + 0 ll\nr2 = 1\nlock *(u64 *)(r1 + 0) += r2\nexit", Budget, FaultKind.InvalidWrite, 3, MapValues + 0x0100_0000, 8 },
        { "endless loop", "mov %r0, 0\nadd %r0, 1\nja -2\nexit", 100, FaultKind.BudgetExceeded, 2, 0, 0 },
        { "loop through a call", "mov %r0, 0\nja start\nf:\nadd %r0, 1\nexit\nstart:\ncall local f\nja start", 50, FaultKind.BudgetExceeded, 4, 0, 0 },
        { "endless recursion", "self:\ncall local self\nexit", Budget, FaultKind.CallDepthExceeded, 0, 0, 0 },
        { "unknown helper through callx", "mov %r2, 999\ncall %r2\nexit", Budget, FaultKind.UnknownHelper, 1, 999, 0 },
        { "helper given a wild key", "r1 = map_by_idx(0) ll\nr2 = 77\ncall 1\nexit", Budget, FaultKind.HelperFault, 3, 77, 4 },
        { "helper given a wild map", "r1 = 5\nr2 = r10\nr2 += -8\ncall 1\nexit", Budget, FaultKind.HelperFault, 3, 5, 0 },
    };

    private const long Budget = 1_000_000;
    private const ulong Stack = 0x1000_0000, MapValues = 0x3000_0000, Buffer = 0x4000_0000;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Faults_as_the_reference_interpreter_does(string name, string asm, long budget, FaultKind kind, int instruction, ulong address, int size)
    {
        _ = (address, size);
        var program = Program(name, asm);
        using var instance = ProgramInstance.Create(program, StandardHelpers.CreateTable(), new ExecutionLimits(budget));
        using var reference = Engines.Create(Engines.Interpreter, instance);
        using var nano = new NanoEngine(instance);
        var buffer = (byte*)NativeMemory.AllocZeroed(8);
        try
        {
            var data = new Span<byte>(buffer, 8);
            var expected = reference.RunOnBuffer(data);
            var before = data.ToArray();
            data.Clear();
            var actual = nano.RunOnBuffer(data);
            Assert.Equal(expected, actual);
            Assert.Equal(before, data.ToArray());
            Assert.Equal(kind, actual.Fault.Kind);
            Assert.Equal(instruction, actual.Fault.Instruction);
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_profiles_virtual_addresses(string name, string asm, long budget, FaultKind kind, int instruction, ulong address, int size)
    {
        var nano = Nano.Instance(Nano.Program(name, Program(name, asm).Instructions, Maps), Nano.Helpers(), budget);
        var buffer = new byte[8];

        var result = Nano.Result(nano.RunOnBuffer(buffer));

        var fault = new Fault(kind, instruction, address, size);
        Assert.Equal(fault, result.Fault);
        Assert.Equal(fault.ToString(), nano.RunOnBuffer(buffer).ToString());
        Assert.Equal(new byte[8], buffer);
    }

    private static EbpfProgram Program(string name, string asm) => new(name, Assembler.Assemble(asm), Maps);
}
