namespace Firmware.Verifier.Tests;

/// <summary>The proofs handed to the engines: every checked access of an accepted program, nothing else.</summary>
public sealed class ProofTests
{
    [Fact]
    public void Accepted_program_has_its_accesses_proven()
    {
        var test = new AsmCase("proofs", "r3 = *(u8 *)(r1 + 0)\n*(u64 *)(r10 - 8) = r3\nr0 = *(u64 *)(r10 - 8)\nr0 += 1\nexit", null);
        var result = Verifier.Verify(test.Program(), VerifierOptions.ForBuffer(8));
        Assert.True(result.Accepted);
        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(result.Proofs.IsProvenSafe));
        Assert.False(result.Proofs.IsProvenSafe(99));
    }

    [Fact]
    public void Helper_memory_arguments_are_proven_at_the_call() =>
        Assert.True(Verifier.Verify(new AsmCase("lookup", "*(u32 *)(r10 - 4) = 0\nr2 = r10\nr2 += -4\nr1 = map_by_idx(0) ll\ncall 1\nr0 = 0\nexit", null).Program(),
            VerifierOptions.ForBuffer(0)).Proofs.IsProvenSafe(5));

    [Fact]
    public void Rejected_program_has_no_proofs()
    {
        var result = Verifier.Verify(new AsmCase("bad", "r3 = *(u8 *)(r1 + 0)\nr0 = *(u8 *)(r1 + 9)\nexit", null).Program(), VerifierOptions.ForBuffer(8));
        Assert.False(result.Accepted);
        Assert.False(result.Proofs.IsProvenSafe(0));
    }
}
