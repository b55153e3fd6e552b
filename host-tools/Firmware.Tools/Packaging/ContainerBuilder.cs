using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Containers;
using Firmware.Protocol.Packages;
using Firmware.Verifier;
using Firmware.Verifier.Boards;

namespace Firmware.Tools.Packaging;

/// <summary>
/// `fwctl pack --kind container`: every program section of the object is one program of the container,
/// its section name its trigger (fw/HOOK, timer/MS, message). Each is verified for its trigger's context;
/// the bytecode is laid end to end and the manifest's container section says where each program starts.
/// </summary>
public static class ContainerBuilder
{
    public static PackResult Pack(IReadOnlyList<EbpfProgram> programs, PackageTarget target, string name, ContainerLimits limits, SigningKey key)
    {
        var board = target.Board;
        if (programs.Count is 0 or > ContainerSpec.MaxPrograms)
            throw new ProgramFormatException($"a container has 1 to {ContainerSpec.MaxPrograms} programs; the object has {programs.Count}");
        if (limits.Budget > board.Limits.InstructionBudget)
            throw new ProgramFormatException($"budget {limits.Budget} is above board '{board.Name}''s {board.Limits.InstructionBudget} instructions per run");
        var maps = programs[0].Maps;
        long mapMemory = maps.Sum(PackageBuilder.MapMemory);
        if (mapMemory > board.Limits.MapMemoryBytes)
            throw new ProgramFormatException($"the container's maps need {mapMemory} bytes; board '{board.Name}' allows {board.Limits.MapMemoryBytes}");
        var layout = new List<ContainerProgram>();
        var rejections = new List<Diagnostic>();
        foreach (var program in programs)
        {
            var trigger = ContainerTrigger.Parse(program.Name, out string error) ?? throw new ProgramFormatException(error);
            var context = TriggerContexts.For(trigger, board)
                ?? throw new ProgramFormatException($"section '{program.Name}': board '{board.Name}' has no hook '{trigger.Hook}' (hooks: {string.Join(", ", board.Hooks.Select(h => h.Name))})");
            if (program.Instructions.Length > board.Limits.MaxProgramInstructions)
                throw new ProgramFormatException($"section '{program.Name}' has {program.Instructions.Length} instructions; board '{board.Name}' allows {board.Limits.MaxProgramInstructions}");
            rejections.AddRange(Verifier.Verifier.Verify(program, HookVerification.Options(board, context)).Errors);
            layout.Add(new ContainerProgram(program.Name, layout.Sum(p => p.InstructionCount), program.Instructions.Length));
        }
        if (target.Hook.Length > 0 && !layout.Any(p => p.Trigger.Kind == TriggerKind.Hook && p.Trigger.Hook == target.Hook))
            throw new ProgramFormatException($"--hook {target.Hook}: no program of the container is triggered by it (sections: {string.Join(", ", layout.Select(p => p.Name))})");
        if (rejections.Count > 0) return new PackResult(null, rejections);
        var manifest = new PackageManifest(
            Sequence: target.Sequence,
            Board: board.Name,
            FirmwareBuildId: target.FirmwareBuildId,
            Hook: "",
            Kind: PatchKind.Container,
            ProgramName: name,
            ProgramSize: 0,
            ProgramDigest: [],
            Maps: maps,
            Helpers: [.. programs.SelectMany(PackageBuilder.HelpersUsed).Distinct().Order()],
            Verdict: VerifierVerdict.Accepted,
            Description: target.Description,
            Container: new ContainerSpec(name, layout, limits));
        return new PackResult(PackageWriter.Write(manifest, Instruction.WriteAll([.. programs.SelectMany(p => p.Instructions)]), key), []);
    }
}
