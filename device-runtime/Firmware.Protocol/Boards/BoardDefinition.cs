namespace Firmware.Protocol.Boards;

public enum Architecture { X86_64, Aarch64, Armv7m }

/// <summary>How a board runs patches: on the device (interpreter, JITs), or compiled on the host ahead of time (Thumb2).</summary>
public enum EngineKind { Interpreter, X64, Arm64, Thumb2 }

/// <summary>
/// Per-run and per-program limits a board imposes on patches. <see cref="FaultThreshold"/>: faults and
/// budget overruns a patch may have before the device detaches it and restores the previous patch.
/// </summary>
public sealed record BoardLimits(int StackBytes, long InstructionBudget, int MaxProgramInstructions, long MapMemoryBytes, int FaultThreshold = BoardLimits.DefaultFaultThreshold)
{
    public const int DefaultFaultThreshold = 3;
}

/// <summary>
/// What a device is (boards/NAME/board.json): the firmware it runs, its hooks, helpers and limits.
/// <see cref="FirmwareSources"/>: the firmware's C sources relative to the board's directory, which the
/// agent builds and hosts (empty for boards whose firmware is not built here).
/// </summary>
public sealed record BoardDefinition(
    string Name,
    Architecture Architecture,
    EngineKind Engine,
    string Firmware,
    IReadOnlyList<HookDefinition> Hooks,
    IReadOnlyList<BoardHelper> Helpers,
    BoardLimits Limits,
    IReadOnlyList<string> FirmwareSources)
{
    public HookDefinition? FindHook(string name) => Hooks.FirstOrDefault(h => h.Name == name);

    public static string ArchitectureName(Architecture architecture) => architecture switch
    {
        Architecture.X86_64 => "x86_64",
        Architecture.Aarch64 => "aarch64",
        _ => "armv7m",
    };

    public static string EngineName(EngineKind engine) => engine.ToString().ToLowerInvariant();
}

/// <summary>An invalid board definition; the message names the file and the field.</summary>
public sealed class BoardFormatException(string message) : Exception(message);
