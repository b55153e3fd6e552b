using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Interpreter;

/// <summary>
/// Every engine leaves the accesses a proof set covers unchecked and checks the rest. The proof sets here
/// lie on purpose (they claim accesses to a read-only or write-only region are safe, on memory the test
/// owns), which is the only way to see from outside that a check is gone.
/// </summary>
public class ProvenAccessTests
{
    public static TheoryData<string> EngineNames() => [.. Engines.Names];

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void A_proven_store_is_not_checked_and_an_unproven_one_still_faults(string engine)
    {
        var buffer = Pinned(8);
        var readOnly = Region.FromLength(Address(buffer), 8, Access.Read, RegionKind.Context);
        const string program = "*(u8 *)(r1 + 0) = 7\n*(u8 *)(r1 + 1) = 8\nr0 = 0\nexit";

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 0, Address(buffer), 1), Run(engine, program, new ProvenAt(), readOnly).Fault);
        Assert.Equal(0, buffer[0]);

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 1, Address(buffer) + 1, 1), Run(engine, program, new ProvenAt(0), readOnly).Fault);
        Assert.Equal([7, 0], buffer[..2]);

        Assert.True(Run(engine, program, new ProvenAt(0, 1), readOnly).Ok);
        Assert.Equal([7, 8], buffer[..2]);
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void A_proven_load_is_not_checked(string engine)
    {
        var buffer = Pinned(8);
        buffer[4] = 42;
        var writeOnly = Region.FromLength(Address(buffer), 8, Access.Write, RegionKind.Context);
        const string program = "r0 = *(u8 *)(r1 + 4)\nexit";

        Assert.Equal(new Fault(FaultKind.InvalidRead, 0, Address(buffer) + 4, 1), Run(engine, program, new ProvenAt(), writeOnly).Fault);
        Assert.Equal(RunResult.Success(42), Run(engine, program, new ProvenAt(0), writeOnly));
    }

    [Theory]
    [MemberData(nameof(EngineNames))]
    public void A_proven_atomic_skips_the_region_check_but_not_the_alignment_check(string engine)
    {
        var buffer = Pinned(16);
        var readOnly = Region.FromLength(Address(buffer), 16, Access.Read, RegionKind.Context);

        Assert.True(Run(engine, "r2 = 5\nlock *(u64 *)(r1 + 8) += r2\nr0 = 0\nexit", new ProvenAt(1), readOnly).Ok);
        Assert.Equal(5, buffer[8]);
        Assert.Equal(new Fault(FaultKind.MisalignedAtomic, 1, Address(buffer) + 2, 4),
            Run(engine, "r2 = 5\nlock *(u32 *)(r1 + 2) += w2\nr0 = 0\nexit", new ProvenAt(1), readOnly).Fault);
    }

    /// <summary>Every load, store and atomic form, unchecked, computes what its checked form does.</summary>
    [Theory]
    [MemberData(nameof(EngineNames))]
    public void Unchecked_forms_compute_what_checked_forms_do(string engine)
    {
        const string program = """
            r2 = -3
            *(u64 *)(r1 + 0) = r2
            *(u32 *)(r1 + 8) = w2
            *(u16 *)(r1 + 12) = w2
            *(u8 *)(r1 + 14) = w2
            *(u64 *)(r1 + 16) = -5
            *(u32 *)(r1 + 24) = -6
            *(u16 *)(r1 + 28) = -7
            *(u8 *)(r1 + 30) = -8
            r0 = *(u64 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 24)
            r0 += r3
            r3 = *(u16 *)(r1 + 28)
            r0 += r3
            r3 = *(u8 *)(r1 + 30)
            r0 += r3
            r3 = *(s32 *)(r1 + 24)
            r0 ^= r3
            r3 = *(s16 *)(r1 + 28)
            r0 ^= r3
            r3 = *(s8 *)(r1 + 30)
            r0 ^= r3
            r3 = 9
            lock *(u64 *)(r1 + 32) += r3
            lock *(u32 *)(r1 + 40) |= w3
            exit
            """;
        var checkedBuffer = Pinned(48);
        var provenBuffer = Pinned(48);

        var expected = Run(engine, program, new ProvenAt(), Buffer(checkedBuffer));
        var actual = Run(engine, program, new AllProven(), Buffer(provenBuffer));

        Assert.True(expected.Ok);
        Assert.Equal(expected, actual);
        Assert.Equal(checkedBuffer, provenBuffer);
    }

    private sealed class ProvenAt(params int[] instructions) : IAccessProofs
    {
        public bool IsProvenSafe(int instructionIndex) => instructions.Contains(instructionIndex);
    }

    private sealed class AllProven : IAccessProofs
    {
        public bool IsProvenSafe(int instructionIndex) => true;
    }

    private static RunResult Run(string engine, string assembly, IAccessProofs proofs, Region region)
    {
        using var instance = ProgramInstance.Create(EbpfProgram.FromInstructions("proven", Assembler.Assemble(assembly)), new HelperTable());
        using var runner = Engines.Create(engine, instance, proofs);
        instance.BeginRun([region]);
        try
        {
            return runner.Execute(region.Start, 0, 0, 0, 0);
        }
        finally
        {
            instance.EndRun();
        }
    }

    private static byte[] Pinned(int length) => GC.AllocateArray<byte>(length, pinned: true);

    private static ulong Address(byte[] pinned) => (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);

    private static Region Buffer(byte[] pinned) => Region.FromLength(Address(pinned), (ulong)pinned.Length, Access.ReadWrite, RegionKind.Buffer);
}
