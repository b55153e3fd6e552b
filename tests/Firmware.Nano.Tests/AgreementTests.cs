using System.Reflection;
using CsCheck;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using static Firmware.Nano.Tests.NanoAssembly;

namespace Firmware.Nano.Tests;

/// <summary>
/// Where the profile could not share the core's source (nanoFramework has no records, spans or
/// BinaryPrimitives), its parallel definitions agree with the core's: constants, enums and semantics.
/// </summary>
public class AgreementTests
{
    private static readonly Assembly Core = typeof(Opcode).Assembly;

    /// <summary>The ISA constants are the core's own source file compiled into the profile; these prove the compiled values agree.</summary>
    [Theory]
    [InlineData("Firmware.Ebpf.Isa.Opcode")]
    [InlineData("Firmware.Ebpf.Isa.AtomicOp")]
    [InlineData("Firmware.Ebpf.Isa.Register")]
    [InlineData("Firmware.Ebpf.Isa.InstructionClass")]
    [InlineData("Firmware.Ebpf.Isa.AluOp")]
    [InlineData("Firmware.Ebpf.Isa.JmpOp")]
    [InlineData("Firmware.Ebpf.Isa.OperandSource")]
    [InlineData("Firmware.Ebpf.Isa.AccessSize")]
    [InlineData("Firmware.Ebpf.Isa.AccessMode")]
    [InlineData("Firmware.Ebpf.Isa.LddwKind")]
    [InlineData("Firmware.Ebpf.Isa.CallKind")]
    public void Linked_isa_constants_are_the_cores(string type) =>
        Assert.Equal(Constants(Core.GetType(type, true)!), Constants(NanoAssembly.Assembly.GetType(type, true)!));

    [Theory]
    [InlineData(typeof(FaultKind), "Memory.FaultKind")]
    [InlineData(typeof(Access), "Memory.Access")]
    [InlineData(typeof(RegionKind), "Memory.RegionKind")]
    [InlineData(typeof(Errno), "Maps.Errno")]
    [InlineData(typeof(MapUpdateFlags), "Maps.MapUpdateFlags")]
    public void Parallel_definitions_match(Type core, string nano) =>
        Assert.Equal(Constants(core), Constants(Type(nano)));

    [Fact]
    public void Map_types_are_a_subset_numbered_as_the_cores() =>
        Assert.Subset(Constants(typeof(Ebpf.Programs.MapType)).ToHashSet(), Constants(Type("Maps.MapType")).ToHashSet());

    [Fact]
    public void Limits_and_numbering_match()
    {
        Assert.Equal(ProgramInstance.StackFrameSize, Constant<int>("Engine.ProgramInstance", "StackFrameSize"));
        Assert.Equal(ProgramInstance.MaxCallDepth, Constant<int>("Engine.ProgramInstance", "MaxCallDepth"));
        Assert.Equal(ProgramInstance.StackSize, Constant<int>("Engine.ProgramInstance", "StackSize"));
        Assert.Equal(ExecutionLimits.Default.InstructionBudget, Constant<long>("Engine.ProgramInstance", "DefaultBudget"));
        Assert.Equal(MapSet.HandleBase, Constant<ulong>("Engine.AddressLayout", "DefaultMapHandleBase"));
        Assert.Equal(Decoder.MaxInstructions, Constant<int>("Isa.Decoder", "MaxInstructions"));
        Assert.Equal(TracePrintk.MaxOutput, Constant<int>("Helpers.TraceOutput", "MaxOutput"));
    }

    [Fact]
    public void Division_and_modulo_agree() =>
        Gen.Select(Edge64, Edge64).Sample((a, b) =>
        {
            Assert.Equal(Semantics.Div64(a, b), Nano<ulong, ulong>("Div64")(a, b));
            Assert.Equal(Semantics.Mod64(a, b), Nano<ulong, ulong>("Mod64")(a, b));
            Assert.Equal(Semantics.SDiv64((long)a, (long)b), Nano<long, ulong>("SDiv64")((long)a, (long)b));
            Assert.Equal(Semantics.SMod64((long)a, (long)b), Nano<long, ulong>("SMod64")((long)a, (long)b));
            Assert.Equal(Semantics.Div32((uint)a, (uint)b), Nano<uint, uint>("Div32")((uint)a, (uint)b));
            Assert.Equal(Semantics.Mod32((uint)a, (uint)b), Nano<uint, uint>("Mod32")((uint)a, (uint)b));
            Assert.Equal(Semantics.SDiv32((int)a, (int)b), Nano<int, uint>("SDiv32")((int)a, (int)b));
            Assert.Equal(Semantics.SMod32((int)a, (int)b), Nano<int, uint>("SMod32")((int)a, (int)b));
        }, iter: 20000);

    [Fact]
    public void Byte_swaps_agree()
    {
        var swap = (Func<ulong, int, bool, ulong>)Delegate.CreateDelegate(typeof(Func<ulong, int, bool, ulong>), Type("Isa.Semantics").GetMethod("Swap")!);
        Gen.Select(Edge64, Gen.OneOf(16, 32, 64), Gen.Bool).Sample((value, width, doSwap) =>
            Assert.Equal(Semantics.Swap(value, width, doSwap), swap(value, width, doSwap)), iter: 5000);
        // The guest is little-endian: le never swaps, be always does (as the core on a little-endian host).
        Assert.Equal(Semantics.EndSwaps(OperandSource.K), (bool)Call("Isa.Semantics", "EndSwaps", false)!);
        Assert.Equal(Semantics.EndSwaps(OperandSource.X), (bool)Call("Isa.Semantics", "EndSwaps", true)!);
    }

    private static readonly Gen<ulong> Edge64 = Gen.Frequency(
        (2, Gen.OneOf<ulong>(0UL, 1UL, ulong.MaxValue, 0x8000000000000000, 0x7fffffffffffffff, 0x80000000, 0xffffffff, 0xffffffff80000000, 2, 7)),
        (3, Gen.ULong));

    private static Func<T, T, TResult> Nano<T, TResult>(string method) =>
        (Func<T, T, TResult>)Delegate.CreateDelegate(typeof(Func<T, T, TResult>), Type("Isa.Semantics").GetMethod(method)!);

    private static T Constant<T>(string type, string name) => (T)Type(type).GetField(name)!.GetRawConstantValue()!;

    /// <summary>Name and numeric value of every public constant (enum members included), sorted by name.</summary>
    private static List<(string, string)> Constants(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .Select(f => (f.Name, Convert.ToString(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)!))
            .OrderBy(c => c.Name, StringComparer.Ordinal)];
}
