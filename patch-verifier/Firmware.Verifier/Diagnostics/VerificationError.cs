namespace Firmware.Verifier.Diagnostics;

/// <summary>Stops the analysis at the first unsafe instruction; becomes a <see cref="Diagnostic"/>.</summary>
internal sealed class VerificationError(int instruction, string message, string? state) : Exception(message)
{
    public int Instruction { get; } = instruction;
    public string? State { get; } = state;
}
