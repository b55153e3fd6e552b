namespace Firmware.Verifier.Tests;

public sealed class AsmVerdictTests
{
    public static TheoryData<AsmCase> Cases() => [.. AsmCases.All];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_gets_its_verdict(AsmCase test) =>
        test.Expected.Check(Verifier.Verify(test.Program(), test.Options ?? VerifierOptions.ForBuffer(64)), test.Name);

    [Fact]
    public void Case_names_are_unique() =>
        Assert.Equal(AsmCases.All.Length, AsmCases.All.Select(c => c.Name).Distinct().Count());
}
