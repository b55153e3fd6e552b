using CsCheck;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Tests.Jit;
using Firmware.Ebpf.Text;

namespace Firmware.Nano.Tests;

/// <summary>
/// The device-side reader refuses exactly what the host refuses, at the same instruction with the same
/// message: corrupted and truncated bytecode (the decoder twin), and references an instance cannot satisfy.
/// </summary>
public class MalformedProgramTests
{
    [Fact]
    public void Corrupted_programs_get_the_hosts_verdict() =>
        Gen.Select(ProgramGenerator.Programs, Gen.Int[1, 4].SelectMany(n => Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte).Array[n]), Gen.Int[0, 7])
            .Sample((program, corruptions, trim) =>
            {
                var code = Instruction.WriteAll(program.Code);
                foreach (var (at, value) in corruptions) code[at % code.Length] = value;
                if (trim == 0) code = code[..^(1 + corruptions.Length % 8)];
                AssertSameVerdict(code);
            }, iter: 20000);

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x95, 0, 0, 0 })]
    [InlineData(new byte[] { 0x18, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x20, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xb7, 0x0a, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xb7, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xdb, 0xa1, 0, 0, 0xe1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0 })]
    public void Edge_cases_get_the_hosts_verdict(byte[] code) => AssertSameVerdict(code);

    public static TheoryData<string, Instruction[]> UnsatisfiableReferences() => new()
    {
        { "unknown helper", Assembler.Assemble("call 99\nexit") },
        { "map index past the maps", [Map(3), new(0, 0, 0, 0, 0), Exit] },
        { "helper call then a bad map", [new(Opcode.Call, 0, 0, 0, 1), Map(7), new(0, 0, 0, 0, 0), Exit] },
        { "map value of a bad map", [new(Opcode.Lddw, 1, (byte)LddwKind.MapValueByIndex, 0, 2), new(0, 0, 0, 0, 0), Exit] },
        { "unsupported lddw source", [new(Opcode.Lddw, 1, (byte)LddwKind.CodeAddress, 0, 0), new(0, 0, 0, 0, 0), Exit] },
    };

    [Theory]
    [MemberData(nameof(UnsatisfiableReferences))]
    public void Unsatisfiable_references_are_refused_with_the_hosts_message(string what, Instruction[] code)
    {
        var program = EbpfProgram.FromInstructions(what, code);
        var withMaps = new EbpfProgram(what, program.Instructions, ProgramGenerator.Maps);
        var host = Assert.Throws<ProgramFormatException>(() => ProgramInstance.Create(withMaps, StandardHelpers.CreateTable()));
        var device = Assert.ThrowsAny<Exception>(() => Nano.Instance(Nano.Program(what, code, ProgramGenerator.Maps), Nano.Helpers()));
        var inner = device.InnerException ?? device;
        Assert.Equal("ProgramFormatException", inner.GetType().Name);
        Assert.Equal(host.Message, inner.Message);
    }

    private static readonly Instruction Exit = new(Opcode.Exit, 0, 0, 0, 0);

    private static Instruction Map(int index) => new(Opcode.Lddw, 1, (byte)LddwKind.MapByIndex, 0, index);

    private static void AssertSameVerdict(byte[] code)
    {
        string? host = null;
        try { EbpfProgram.FromBytecode("x", code); }
        catch (ProgramFormatException e) { host = e.Message; }
        string? device = null;
        try { NanoAssembly.Call("Programs.ProgramReader", "Read", "x", code, NanoAssembly.Array("Maps.MapDefinition")); }
        catch (Exception e) when (e.GetType().Name == "ProgramFormatException") { device = e.Message; }
        Assert.Equal(host, device);
    }
}
