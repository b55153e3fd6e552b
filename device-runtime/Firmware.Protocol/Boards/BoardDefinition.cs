namespace Firmware.Protocol.Boards;

public enum Architecture { X86_64, Aarch64, Armv7m }

public enum EngineKind { Interpreter, X64, Arm64 }

/// <summary>Per-run and per-program limits a board imposes on patches.</summary>
public sealed record BoardLimits(int StackBytes, long InstructionBudget, int MaxProgramInstructions, long MapMemoryBytes);

/// <summary>What a device is (boards/NAME/board.json): the firmware it runs, its hooks, helpers and limits.</summary>
public sealed record BoardDefinition(
    string Name,
    Architecture Architecture,
    EngineKind Engine,
    string Firmware,
    IReadOnlyList<HookDefinition> Hooks,
    IReadOnlyList<BoardHelper> Helpers,
    BoardLimits Limits)
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
