using CsCheck;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Protocol.Packages;

namespace Firmware.Nano.Tests;

/// <summary>The device-side reader of a package's program part, on packages the host's PackageWriter writes.</summary>
public class PackageProgramTests
{
    private static readonly SigningKey Key = SigningKey.Generate();

    private static readonly MapDefinition[] Maps =
    [
        new("counts", MapType.Hash, 4, 8, 16),
        new(".rodata", MapType.Array, 4, 4, 1, InitialValue: [1, 2, 3, 4], ReadOnly: true),
    ];

    private static byte[] Package(byte[] program, string name = "prog_é") => PackageWriter.Write(
        new PackageManifest(3, "nano", [], "parse_packet", PatchKind.Filter, name, 0, [], Maps, [1], VerifierVerdict.Accepted, "test"),
        program, Key);

    private static readonly byte[] Bytecode = Instruction.WriteAll(Assembler.Assemble("""
        r1 = map_val(map_by_idx(1)) + 0 ll
        r0 = *(u32 *)(r1 + 0)
        exit
        """));

    [Fact]
    public void Reads_the_hook_the_maps_and_the_program()
    {
        dynamic read = NanoAssembly.Call("Programs.PackageProgram", "Read", Package(Bytecode))!;

        Assert.Equal("parse_packet", (string)read.Hook);
        Assert.Equal("prog_é", (string)read.Program.Name);
        var maps = (object[])read.Program.Maps;
        Assert.Equal(2, maps.Length);
        dynamic rodata = maps[1];
        Assert.Equal(".rodata", (string)rodata.Name);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, (byte[])rodata.InitialValue);
        Assert.True((bool)rodata.ReadOnly);
        Assert.Equal(16u, (uint)((dynamic)maps[0]).MaxEntries);
        var instance = Nano.Instance(read.Program, Nano.Helpers());
        Assert.Equal(0x04030201UL, Nano.Result(instance.RunOnBuffer(new byte[0])).Value);
    }

    [Fact]
    public void Refuses_bad_bytecode_with_the_decoders_message()
    {
        byte[] bad = [.. Bytecode[..^8], 0x96, 0, 0, 0, 0, 0, 0, 0];
        var error = Assert.ThrowsAny<Exception>(() => NanoAssembly.Call("Programs.PackageProgram", "Read", Package(bad)));
        Assert.Equal("ProgramFormatException", error.GetType().Name);
        Assert.Equal(Assert.Throws<ProgramFormatException>(() => EbpfProgram.FromBytecode("x", bad)).Message, error.Message);
    }

    [Fact]
    public void Truncated_and_corrupted_packages_are_refused_or_read_but_never_crash()
    {
        byte[] package = Package(Bytecode);
        for (int length = 0; length < package.Length; length++)
            ReadOrRefuse(package[..length], mustRefuse: true);
        Gen.Select(Gen.Int[0, package.Length - 1], Gen.Byte).Array[1, 4].Sample(flips =>
        {
            var copy = (byte[])package.Clone();
            foreach (var (at, value) in flips) copy[at] = value;
            ReadOrRefuse(copy, mustRefuse: false);
        }, iter: 5000);
    }

    [Fact]
    public void Hostile_lengths_and_nesting_are_refused_without_allocating_or_recursing()
    {
        byte[] nested = [.. Enumerable.Repeat((byte)0x81, 100_000), 0x00];
        Assert.Equal("ProgramFormatException", Assert.ThrowsAny<Exception>(() => { Cbor(nested).Skip(); }).GetType().Name);
        byte[] hugeArray = [0x9a, 0x7f, 0xff, 0xff, 0xff];
        Assert.Equal("ProgramFormatException", Assert.ThrowsAny<Exception>(() => Cbor(hugeArray).ReadLength(4)).GetType().Name);
        Cbor([.. Enumerable.Repeat((byte)0x81, 16), 0x00]).Skip();
    }

    private static dynamic Cbor(byte[] data) => NanoAssembly.New("Programs.CborReader", data);

    private static void ReadOrRefuse(byte[] package, bool mustRefuse)
    {
        try
        {
            NanoAssembly.Call("Programs.PackageProgram", "Read", package);
            Assert.False(mustRefuse, "a truncated package was read");
        }
        catch (Exception e) when (e.GetType().Name == "ProgramFormatException")
        {
        }
    }
}
