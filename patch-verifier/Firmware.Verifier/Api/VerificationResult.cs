using Firmware.Ebpf.Jit;

namespace Firmware.Verifier;

/// <summary>The verdict; <see cref="Proofs"/> lists the accesses proven in bounds on every path (for the engines).</summary>
public sealed record VerificationResult(bool Accepted, IReadOnlyList<Diagnostic> Errors, IAccessProofs Proofs, int InstructionsVisited);
