namespace Firmware.Protocol.Containers;

/// <summary>One program of a container: a slice of the package's bytecode, named by its trigger.</summary>
public sealed record ContainerProgram(string Name, int FirstInstruction, int InstructionCount)
{
    public ContainerTrigger Trigger => ContainerTrigger.Parse(Name, out _)
        ?? throw new InvalidOperationException($"container program '{Name}' names no trigger");
}

/// <summary>
/// What a container may use. <see cref="Budget"/> bounds each run; <see cref="RunsPerSecond"/> and
/// <see cref="PublishesPerSecond"/> bound how often its programs run and publish (0: no limit).
/// </summary>
public sealed record ContainerLimits(long Budget, uint RunsPerSecond, uint PublishesPerSecond)
{
    /// <summary>Runs are not limited by default: a hook container on a hot path would otherwise be skipped silently; its budget bounds each run.</summary>
    public static ContainerLimits Default { get; } = new(Budget: 10_000, RunsPerSecond: 0, PublishesPerSecond: 10);
}

/// <summary>
/// The container section of a package's manifest (key 15, docs/package-format.md): the container's name
/// on the device (an install with the same name updates it in place), its programs and its limits. The
/// programs share the package's maps; nothing else is shared with any other container or patch.
/// </summary>
public sealed record ContainerSpec(string Name, IReadOnlyList<ContainerProgram> Programs, ContainerLimits Limits)
{
    public const int MaxPrograms = 16;

    /// <summary>The store and command name of a container: never a hook name.</summary>
    public string Slot => SlotPrefix + Name;

    public const string SlotPrefix = "container/";

    /// <summary>Structure rules a reader enforces: programs tile the bytecode in order, each with a trigger.</summary>
    public string? Problem(int programInstructions)
    {
        if (Name.Length == 0) return "container: empty name";
        if (Programs.Count == 0) return "container: no programs";
        if (Limits.Budget <= 0) return "container: the instruction budget must be above 0";
        int next = 0;
        foreach (var program in Programs)
        {
            if (ContainerTrigger.Parse(program.Name, out string error) is null) return $"container program: {error}";
            if (program.FirstInstruction != next || program.InstructionCount <= 0)
                return $"container program '{program.Name}': instructions [{program.FirstInstruction}, +{program.InstructionCount}) do not follow the previous program";
            next += program.InstructionCount;
        }
        return next == programInstructions ? null : $"container: programs cover {next} of {programInstructions} instructions";
    }
}
