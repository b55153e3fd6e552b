namespace Firmware.Tools.Tests.Corpus;

/// <summary>
/// A program built both ways: the eBPF object, the native executable (linked with driver.c), and the
/// answers the latter gave for <see cref="CorpusInputs.All"/> run in order in one process.
/// </summary>
public sealed record BuiltProgram(CProgram Program, string Object, string Executable, IReadOnlyList<RunOutcome> Expected);

/// <summary>
/// Builds every program into a temporary directory removed afterwards: clang-19 for the eBPF object,
/// gcc with the native driver for the expected answers. Builds start at once, as many at a time as
/// there are cores, so compiling overlaps with the tests running the programs already built. The
/// inputs are written there too, as the files the driver and `fwctl run --mem` read.
/// </summary>
public sealed class CorpusBuild : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fw-corpus-").FullName;
    private readonly SemaphoreSlim _compilers = new(Environment.ProcessorCount);
    private readonly Lazy<string> _driver;
    private readonly Dictionary<string, Task<BuiltProgram>> _builds;

    public CorpusBuild()
    {
        InputFiles = [.. CorpusInputs.All.Select(input =>
        {
            string path = Path.Combine(_directory, input.Name);
            File.WriteAllBytes(path, input.Bytes);
            return path;
        })];
        _driver = new Lazy<string>(() =>
        {
            string obj = Path.Combine(_directory, "driver.o");
            CCompiler.CompileObject(CorpusSources.Driver, obj, CorpusSources.IncludeDirectory);
            return obj;
        });
        _builds = CorpusSources.All.ToDictionary(p => p.Name, p => Task.Run(() => Build(p)));
    }

    /// <summary>Paths of <see cref="CorpusInputs.All"/>, in the same order.</summary>
    public IReadOnlyList<string> InputFiles { get; }

    /// <summary>The program's build; throws the compiler's diagnostics if it failed.</summary>
    public BuiltProgram Get(CProgram program) => _builds[program.Name].GetAwaiter().GetResult();

    private async Task<BuiltProgram> Build(CProgram program)
    {
        await _compilers.WaitAsync();
        try
        {
            string stem = Path.Combine(_directory, program.Name.Replace('/', '-'));
            string obj = stem + ".o", executable = stem + ".native";
            CCompiler.CompileBpf(program.Source, obj, CorpusSources.IncludeDirectory);
            CCompiler.CompileExecutable([program.Source, _driver.Value], executable, CorpusSources.IncludeDirectory);
            return new BuiltProgram(program, obj, executable, NativeDriver.Run(executable, InputFiles));
        }
        finally
        {
            _compilers.Release();
        }
    }

    public void Dispose()
    {
        // Let every compiler finish before its directory goes; a failed build was reported by its test.
        foreach (var build in _builds.Values)
            ((IAsyncResult)build).AsyncWaitHandle.WaitOne();
        Directory.Delete(_directory, recursive: true);
        _compilers.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CorpusCollection : ICollectionFixture<CorpusBuild>
{
    public const string Name = "Corpus";
}
