namespace Firmware.Testing;

/// <summary>A C program with the corpus calling convention: `u64 entry(u8 *buf, u64 len)`.</summary>
/// <param name="Name">Unique across both folders: "corpus/adler32", "bench/fletcher32".</param>
public sealed record CProgram(string Name, string Source)
{
    public override string ToString() => Name;
}

/// <summary>
/// Where the C programs live: the corpus (tests/data/corpus) and the benchmark workloads
/// (bench/programs). Both include the corpus header, and both are checked against native gcc, so a
/// benchmark never measures a program that computes the wrong answer.
/// </summary>
public static class CorpusSources
{
    public static string CorpusDirectory => Path.Combine(RepoPaths.Root, "tests", "data", "corpus");
    public static string BenchDirectory => Path.Combine(RepoPaths.Root, "bench", "programs");
    public static string IncludeDirectory => Path.Combine(CorpusDirectory, "include");

    /// <summary>The native harness linked with each program: runs entry() on input files, prints r0 and a buffer hash.</summary>
    public static string Driver => Path.Combine(CorpusDirectory, "driver.c");

    public static IReadOnlyList<CProgram> Corpus => Find("corpus", CorpusDirectory, except: Driver);
    public static IReadOnlyList<CProgram> Bench => Find("bench", BenchDirectory, except: null);
    public static IReadOnlyList<CProgram> All => [.. Corpus, .. Bench];

    public static CProgram Named(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"no C program named '{name}'", nameof(name));

    private static List<CProgram> Find(string prefix, string directory, string? except) =>
        [.. Directory.GetFiles(directory, "*.c")
            .Where(path => path != except)
            .Order(StringComparer.Ordinal)
            .Select(path => new CProgram($"{prefix}/{Path.GetFileNameWithoutExtension(path)}", path))];
}
