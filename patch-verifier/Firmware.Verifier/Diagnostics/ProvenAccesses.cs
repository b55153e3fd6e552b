using Firmware.Ebpf.Jit;

namespace Firmware.Verifier.Diagnostics;

/// <summary>The loads, stores and helper memory arguments proven in bounds on every path reaching them.</summary>
internal sealed class ProvenAccesses(bool[] proven) : IAccessProofs
{
    public bool IsProvenSafe(int instructionIndex) =>
        (uint)instructionIndex < (uint)proven.Length && proven[instructionIndex];
}
