using Firmware.Ebpf.Memory;

namespace Firmware.Verifier;

/// <summary>
/// What the hook guarantees: r1 points to <paramref name="Context"/>, r2..r5 are <paramref name="Arguments"/>
/// (missing ones are uninitialised), and which helpers exist.
/// </summary>
public sealed record VerifierOptions(
    ContextLayout Context,
    IReadOnlyList<ArgumentKind> Arguments,
    HelperPrototypes Helpers,
    int MaxInstructionsVisited = 1_000_000)
{
    /// <summary>`fwctl verify --mem-size N` and `fwctl run`: r1 = read/write buffer of N bytes, r2 = N.</summary>
    public static VerifierOptions ForBuffer(int memSize) =>
        new(ContextLayout.Buffer(memSize), [new ArgumentKind.Constant(memSize)], HelperPrototypes.Standard);
}
