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

    [Theory]
    [MemberData(nameof(SafeCorpus))]
    public void Corpus_program_is_accepted(string name)
    {
        var program = BpfCompiler.Load(Path.Combine(RepoPaths.Root, "tests", "data", "corpus", name));
        Expectation.Safe_.Check(Verifier.Verify(program, VerifierOptions.ForBuffer(MemSize)), name);
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
