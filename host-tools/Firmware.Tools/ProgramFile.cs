using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Tools.Elf;

namespace Firmware.Tools;

/// <summary>
/// Reads PROGRAM as contracts.md defines it: an ELF object (.o, or any file starting with the ELF magic),
/// eBPF assembly text (.s, .asm) or raw bytecode (.bin). Every problem becomes a
/// <see cref="ProgramFormatException"/> whose message names the file.
/// </summary>
public static class ProgramFile
{
    public static EbpfProgram Load(string path, string? section = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProgramFormatException($"{path}: cannot read: {e.Message}");
        }
        string name = Path.GetFileNameWithoutExtension(path);
        try
        {
            if (bytes is [0x7f, (byte)'E', (byte)'L', (byte)'F', ..])
                return ElfLoader.Load(bytes, section);
            if (section is not null)
                throw new ProgramFormatException("--section applies only to ELF objects");
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".s" or ".asm")
                return EbpfProgram.FromInstructions(name, Assembler.Assemble(System.Text.Encoding.UTF8.GetString(bytes)));
            if (extension is ".bin" or "")
                return EbpfProgram.FromBytecode(name, bytes);
            throw new ProgramFormatException($"unknown program type '{extension}' (expected .o, .s, .asm or .bin)");
        }
        catch (ProgramFormatException e)
        {
            throw new ProgramFormatException($"{path}: {e.Message}");
        }
    }

}
