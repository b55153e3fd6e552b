namespace Firmware.Ebpf.Engine;

/// <summary>
/// Per-run limits. The budget is charged at back edges with the number of instructions jumped back
/// over (one loop iteration's length), so straight-line code costs nothing to meter and every engine
/// charges the same amount at the same instruction.
/// </summary>
public sealed record ExecutionLimits(long InstructionBudget)
{
    public static ExecutionLimits Default { get; } = new(1_000_000_000);
}
