using Firmware.Verifier.Boards;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.Thumb2;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Verifier;

namespace Firmware.Tools.Packaging;

/// <summary>Where a package goes and what it says about itself; the rest of the manifest comes from the program.</summary>
public sealed record PackageTarget(BoardDefinition Board, string Hook, PatchKind Kind, ulong Sequence, byte[] FirmwareBuildId, string Description);

/// <summary>The outcome of `fwctl pack`: the package, or the verifier's reasons for refusing the program.</summary>
public sealed record PackResult(byte[]? Package, IReadOnlyList<Diagnostic> Rejections);

/// <summary>
/// `fwctl pack`: checks the program against the board (hook, size limit), verifies it for the hook and
/// only then signs a package. The program travels as normalised bytecode (map references by index); for a
/// board whose engine is thumb2 the package also carries the program compiled ahead of time.
/// </summary>
public static class PackageBuilder
{
    public static PackResult Pack(EbpfProgram program, PackageTarget target, SigningKey key)
    {
        if (target.Kind == PatchKind.Container)
            throw new ArgumentException("a container package is built from all its programs by ContainerBuilder", nameof(target));
        var hook = target.Board.FindHook(target.Hook)
            ?? throw new ProgramFormatException($"board '{target.Board.Name}' has no hook '{target.Hook}' (hooks: {string.Join(", ", target.Board.Hooks.Select(h => h.Name))})");
        int limit = target.Board.Limits.MaxProgramInstructions;
        if (program.Instructions.Length > limit)
            throw new ProgramFormatException($"program has {program.Instructions.Length} instructions; board '{target.Board.Name}' allows {limit}");
        long mapMemory = program.Maps.Sum(MapMemory);
        if (mapMemory > target.Board.Limits.MapMemoryBytes)
            throw new ProgramFormatException($"program's maps need {mapMemory} bytes; board '{target.Board.Name}' allows {target.Board.Limits.MapMemoryBytes}");
        var verdict = Verifier.Verifier.Verify(program, HookVerification.Options(target.Board, hook));
        if (!verdict.Accepted) return new PackResult(null, verdict.Errors);
        var manifest = new PackageManifest(
            Sequence: target.Sequence,
            Board: target.Board.Name,
            FirmwareBuildId: target.FirmwareBuildId,
            Hook: hook.Name,
            Kind: target.Kind,
            ProgramName: program.Name,
            ProgramSize: 0,
            ProgramDigest: [],
            Maps: program.Maps,
            Helpers: HelpersUsed(program),
            Verdict: VerifierVerdict.Accepted,
            Description: target.Description);
        var native = target.Board.Engine == EngineKind.Thumb2 ? CompileThumb2(program, verdict.Proofs) : null;
        return new PackResult(PackageWriter.Write(manifest, Instruction.WriteAll(program.Instructions), key, native), []);
    }

    /// <summary>The native section for a Cortex-M stub: the verifier's proofs let the compiler leave proven accesses unchecked.</summary>
    private static NativeCode CompileThumb2(EbpfProgram program, IAccessProofs proofs)
    {
        Thumb2Image image;
        try
        {
            image = Thumb2Compiler.Compile(program, proofs);
        }
        catch (Thumb2CompileException e)
        {
            throw new ProgramFormatException($"cannot compile '{program.Name}' to Thumb-2: {e.Message}");
        }
        return new NativeCode(NativeCode.Thumbv7m, image.Code,
            [.. image.Relocations.Select(r => new NativeRelocation((uint)r.Offset, (uint)r.Kind, (uint)r.Value))], image.StackBytes);
    }

    /// <summary>Bytes a map's entries take on the device (keys are stored only by hashed maps), for the board's map memory limit.</summary>
    public static long MapMemory(MapDefinition map) => map.Type switch
    {
        MapType.Array => (long)map.ValueSize * map.MaxEntries,
        MapType.RingBuffer => map.MaxEntries,
        _ => ((long)map.KeySize + map.ValueSize) * map.MaxEntries,
    };

    /// <summary>Helper numbers the program calls, so a device can refuse a package for helpers it lacks before loading it.</summary>
    public static IReadOnlyList<int> HelpersUsed(EbpfProgram program) =>
        [.. program.Instructions.Where(i => i.Opcode == Opcode.Call && i.Src == (byte)CallKind.Helper).Select(i => i.Imm).Distinct().Order()];
}
