using System.Diagnostics;
using Firmware.Ebpf.Programs;
using Firmware.Tools;

namespace Firmware.Verifier.Tests;

/// <summary>Compiles C with clang-19 as `fwctl build` does and loads the object; a compile error fails the test.</summary>
public static class BpfCompiler
{
    public static string IncludeDirectory => Path.Combine(RepoPaths.Root, "tests", "data", "corpus", "include");

    public static EbpfProgram Load(string source)
    {
        string obj = Path.Combine(Path.GetTempPath(), $"fw-verifier-{Guid.NewGuid():N}.o");
        try
        {
            var info = new ProcessStartInfo("clang-19") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "-O2", "-g", "-target", "bpf", "-mcpu=v4", "-Wall", "-Werror", "-I", IncludeDirectory, "-c", source, "-o", obj })
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"clang-19 failed on {source}:\n{stderr}");
            return ProgramFile.Load(obj);
        }
        finally
        {
            File.Delete(obj);
        }
    }
}
