using Firmware.Ebpf.Programs;
using Firmware.Verifier.Transfer;

namespace Firmware.Verifier;

public static class Verifier
{
    /// <summary>
    /// Proves <paramref name="program"/> safe under <paramref name="options"/> or says why it could not.
    /// The joined analysis runs first; a program it rejects that has loops starting from constants is
    /// analysed again with their iterations explored apart (<see cref="Partitions"/>), within what is left
    /// of the instruction budget. Its verdict stands, being the more precise, and so does its diagnostic
    /// (composite[400] written, where the joined pass only saw an unbounded index), unless it ran out of
    /// budget. The result counts the instructions both passes visited.
    /// </summary>
    public static VerificationResult Verify(EbpfProgram program, VerifierOptions options)
    {
        var first = new Analysis(program, options, exploreIterations: false, options.MaxInstructionsVisited);
        var joined = first.Run();
        int left = options.MaxInstructionsVisited - joined.InstructionsVisited;
        if (joined.Accepted || left <= 0 || !first.CanExploreIterations) return joined;
        var analysis = new Analysis(program, options, exploreIterations: true, left);
        var apart = analysis.Run();
        return (analysis.OutOfBudget ? joined : apart) with { InstructionsVisited = joined.InstructionsVisited + apart.InstructionsVisited };
    }
}
