using Firmware.Ebpf.Programs;

namespace Firmware.Tools.Elf;

/// <summary>Loads clang -target bpf ELF objects.</summary>
public static class ElfLoader
{
    /// <summary>Loads one program section (the first when <paramref name="section"/> is null); throws <see cref="ProgramFormatException"/> on bad input.</summary>
    public static EbpfProgram Load(byte[] elf, string? section = null) => throw new NotImplementedException("ELF loader: work in progress");
}
