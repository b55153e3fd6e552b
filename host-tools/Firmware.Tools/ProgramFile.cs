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
        byte[] bytes = Read(path);
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

    /// <summary>Every program section of an ELF object, in file order (a container's programs).</summary>
    public static IReadOnlyList<EbpfProgram> LoadAll(string path)
    {
        byte[] bytes = Read(path);
        if (bytes is not [0x7f, (byte)'E', (byte)'L', (byte)'F', ..])
            throw new ProgramFormatException($"{path}: a container is built from an ELF object whose section names are its triggers (SEC(\"fw/HOOK\"), SEC(\"timer/MS\"), SEC(\"message\"))");
        try
        {
            return [.. ElfLoader.ListSections(bytes).Select(section => ElfLoader.Load(bytes, section))];
        }
        catch (ProgramFormatException e)
        {
            throw new ProgramFormatException($"{path}: {e.Message}");
        }
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProgramFormatException($"{path}: cannot read: {e.Message}");
        }
    }
}
