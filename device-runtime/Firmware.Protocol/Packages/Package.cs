using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;

namespace Firmware.Protocol.Packages;

/// <summary>A package that passed every check the reader was asked to make.</summary>
public sealed record Package(PackageManifest Manifest, byte[] Program, byte[] KeyId, int Algorithm, NativeCode? Native = null)
{
    /// <summary>
    /// The program with its maps, ready for the device's own verification. Signed bytecode can still be
    /// malformed (a buggy packer): that is a <see cref="ProgramFormatException"/>.
    /// </summary>
    public EbpfProgram LoadProgram() =>
        new(Manifest.ProgramName, EbpfProgram.FromBytecode(Manifest.ProgramName, Program).Instructions, Manifest.Maps);

    /// <summary>A container package's programs, each its slice of the bytecode with the package's (shared) maps.</summary>
    public IReadOnlyList<EbpfProgram> LoadContainerPrograms()
    {
        var container = Manifest.Container ?? throw new InvalidOperationException("not a container package");
        return [.. container.Programs.Select(p => new EbpfProgram(p.Name,
            EbpfProgram.FromBytecode(p.Name, Program.AsSpan(p.FirstInstruction * Instruction.Size, p.InstructionCount * Instruction.Size)).Instructions,
            Manifest.Maps))];
    }
}
