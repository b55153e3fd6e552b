using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Firmware.Tools.Tests.Elf;

/// <summary>
/// Compiles the C sources in tests/data/elf with clang-19 exactly as `fwctl build` does, into a temporary
/// directory (objects are never committed). Each source is compiled once per test run.
/// </summary>
internal static class Clang
{
    private static readonly Lazy<string> OutputDirectory = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("elf-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    private static readonly ConcurrentDictionary<string, Lazy<string>> Objects = new();

    public static string RepoRoot { get; } = FindRoot();

    public static string SourcePath(string source) => Path.Combine(RepoRoot, "tests", "data", "elf", source);

    /// <summary>The bytes of tests/data/elf/<paramref name="source"/> compiled for BPF.</summary>
    public static byte[] Compile(string source) => File.ReadAllBytes(ObjectPath(source));

    public static string ObjectPath(string source) =>
        Objects.GetOrAdd(source, s => new Lazy<string>(() => CompileToFile(s))).Value;

    private static string CompileToFile(string source)
    {
        string output = Path.Combine(OutputDirectory.Value, Path.ChangeExtension(source, ".o"));
        Run("clang-19", "-O2", "-g", "-target", "bpf", "-mcpu=v4",
            "-I", Path.Combine(RepoRoot, "tests", "data", "include"), "-c", SourcePath(source), "-o", output);
        return output;
    }

    /// <summary>Runs an LLVM tool and returns its stdout; a failure fails the test with the tool's stderr.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            Assert.Fail($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{stderr.Result}");
        return stdout;
    }

    /// <summary>
    /// Walks up from the test binaries; with --artifacts-path they live outside the repository, so the
    /// path this file was compiled from is the fallback.
    /// </summary>
    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "" })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Firmware.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Firmware.sln above {AppContext.BaseDirectory} or {thisFile}");
    }
}
