namespace Firmware.Ebpf.Jit;

/// <summary>
/// What the verifier proved about a program's memory accesses. A JIT emits no region check for an
/// instruction proven safe: every address it can touch lies in a region granting that access, on every
/// run. For a map_lookup_elem call the JIT inlines, the proof covers the 4-byte key it reads.
/// </summary>
public interface IAccessProofs
{
    bool IsProvenSafe(int instructionIndex);
}

/// <summary>Nothing proven: every access is checked at run time.</summary>
public sealed class NoProofs : IAccessProofs
{
    public static NoProofs Instance { get; } = new();

    private NoProofs() { }

    public bool IsProvenSafe(int instructionIndex) => false;
}
