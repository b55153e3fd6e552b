using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Tools.Boards;

namespace Firmware.Tools.Tests.Boards;

public sealed class PatchCompilerTests
{
    private static readonly BoardCatalog Catalog = new(Path.Combine(RepoPaths.Root, "boards"));

    [Fact]
    public void A_missing_compiler_says_how_to_install_it()
    {
        var error = Assert.Throws<ProgramFormatException>(() =>
            PatchCompiler.Compile("x.c", "x.o", Catalog, null, compiler: "clang-19-not-installed-here"));
        Assert.Contains("apt-get install clang-19", error.Message);
    }

    [Fact]
    public void Flags_are_the_contract_plus_the_header_and_board()
    {
        var arguments = PatchCompiler.Arguments("p.c", "p.o", Catalog, Catalog.Load("qemu-aarch64"));
        Assert.Equal(["-target", "bpf", "-O2", "-g", "-mcpu=v4", "-I", Catalog.IncludeDirectory, "-DFW_BOARD_QEMU_AARCH64", "-c", "p.c", "-o", "p.o"], arguments);
    }
}
