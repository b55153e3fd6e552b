namespace Firmware.Verifier.Tests;

public sealed class AsmVerdictTests
{
    private static readonly AsmCase[] Every = [.. AsmCases.All, .. RelationCases.All, .. ZoneCases.All, .. SumCases.All, .. IterationCases.All];

    public static TheoryData<AsmCase> Cases() => [.. Every];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_gets_its_verdict(AsmCase test) =>
        test.Expected.Check(Verifier.Verify(test.Program(), test.Options ?? VerifierOptions.ForBuffer(64)), test.Name);

    [Fact]
    public void Case_names_are_unique() =>
        Assert.Equal(Every.Length, Every.Select(c => c.Name).Distinct().Count());
}
