namespace Firmware.Verifier.Tests;

/// <summary>
/// C programs compiled with clang-19 -O2: the 31 safe corpus programs, and tests/data/verifier/*.c whose
/// first line says `// expect: safe` or `// expect: unsafe: MESSAGE FRAGMENT`.
/// </summary>
public sealed class CorpusVerdictTests
{
    /// <summary>The corpus runs its programs on buffers up to this size (r2 = the same number).</summary>
    private const int MemSize = 256;

    public static TheoryData<string> SafeCorpus() => [.. Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "data", "corpus"), "*.c")
        .Where(f => Path.GetFileName(f) != "driver.c").Select(f => Path.GetFileName(f)!).Order()];

    public static TheoryData<string> Labelled() => [.. Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "data", "verifier"), "*.c")
        .Select(f => Path.GetFileName(f)!).Order()];

    /// <summary>
    /// Safe corpus programs the verifier still rejects through imprecision, with the reason (docs/verifier.md,
    /// limits). Each must stay rejected with that message, so that an improvement shows up as a test to update.
    /// </summary>
    private static readonly Dictionary<string, string> KnownImprecise = new()
    {
        ["primes.c"] = "unbounded offset",
    };

    [Theory]
    [MemberData(nameof(SafeCorpus))]
    public void Corpus_program_is_accepted_unless_known_imprecise(string name)
    {
        var program = BpfCompiler.Load(Path.Combine(RepoPaths.Root, "tests", "data", "corpus", name));
        var result = Verifier.Verify(program, VerifierOptions.ForBuffer(MemSize));
        var expected = KnownImprecise.TryGetValue(name, out var fragment) ? Expectation.Unsafe(fragment) : Expectation.Safe_;
        expected.Check(result, name);
    }

    [Theory]
    [MemberData(nameof(Labelled))]
    public void Labelled_program_gets_its_verdict(string name)
    {
        string path = Path.Combine(RepoPaths.Root, "tests", "data", "verifier", name);
        var expectation = Expectation.Parse(File.ReadLines(path).First());
        var program = BpfCompiler.Load(path);
        var result = Verifier.Verify(program, VerifierOptions.ForBuffer(MemSize));
        expectation.Check(result, name);
    }
}
