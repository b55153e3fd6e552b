namespace Firmware.Testing;

/// <summary>
/// Runs clang-19 (eBPF objects) and gcc (native executables and libraries) for the corpus tests and the
/// benchmarks. A compiler that fails throws with its own diagnostics: a program that does not build is
/// a broken test, never a skipped one. No test-framework types here, so the bench can link this file.
/// </summary>
public static class CCompiler
{
    /// <summary>`fwctl build`'s flags (contracts.md), so the objects are what patch authors produce; warnings fail the corpus.</summary>
    private static readonly string[] BpfFlags = ["-O2", "-g", "-target", "bpf", "-mcpu=v4", "-Wall", "-Werror"];

    private static readonly string[] NativeFlags = ["-O2", "-Wall", "-Werror"];

    public static void CompileBpf(string source, string output, string includeDirectory) =>
        Run("clang-19", [.. BpfFlags, "-I", includeDirectory, "-c", source, "-o", output]);

    /// <summary>Compiles without linking, for a source shared by several executables.</summary>
    public static void CompileObject(string source, string output, string includeDirectory) =>
        Run("gcc", [.. NativeFlags, "-I", includeDirectory, "-c", source, "-o", output]);

    /// <summary>Links sources and objects into an executable.</summary>
    public static void CompileExecutable(IEnumerable<string> inputs, string output, string includeDirectory) =>
        Run("gcc", [.. NativeFlags, "-I", includeDirectory, .. inputs, "-o", output]);

    public static void CompileSharedLibrary(string source, string output, string includeDirectory) =>
        Run("gcc", [.. NativeFlags, "-shared", "-fPIC", "-I", includeDirectory, source, "-o", output]);

    private static void Run(string compiler, string[] arguments)
    {
        var result = Tool.Run(compiler, arguments);
        if (result.ExitCode != 0)
            throw new CompilationException($"{compiler} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Stderr}");
    }
}

public sealed class CompilationException(string message) : Exception(message);
