using System.Diagnostics;
using Firmware.Tools.Boards.Testing;

namespace Firmware.Arm64.Tests.Emulation;

/// <summary>A finished child process: exit code and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// .NET apps on an emulated AArch64 Linux: each app is published for linux-arm64 (self-contained) once per
/// test run, into this test assembly's output directory (bin/.../arm64/), which keeps the build's
/// intermediate files there between runs so a re-publish is incremental; then run under qemu-aarch64 user
/// mode with the cross toolchain's sysroot (recipes.md: .NET on an emulated AArch64 board).
/// Publishing starts when the first test asks and goes on in the background, fwctl first, then the
/// differential runner, then fwagent, one at a time (they share projects; two cores).
/// </summary>
public sealed class Arm64Emulation
{
    public const string Qemu = QemuUser.Qemu;

    /// <summary>What every emulated .NET process gets (<see cref="QemuUser.Environment"/> says why).</summary>
    public static IReadOnlyDictionary<string, string> Environment => QemuUser.Environment;

    public static Arm64Emulation Instance { get; } = new();

    private readonly string _root = Path.Combine(AppContext.BaseDirectory, "arm64");
    private readonly Lazy<Task<string>> _fwctl;
    private readonly Lazy<Task<string>> _runner;
    private readonly Lazy<Task<string>> _fwagent;

    private Arm64Emulation()
    {
        _fwctl = new(() => Task.Run(() => Publish("host-tools/fwctl/fwctl.csproj", "fwctl", "fwctl")));
        _runner = new(() => Task.Run(async () =>
        {
            await Fwctl(); // one publish at a time
            return Publish("tests/Firmware.Arm64.Runner/Firmware.Arm64.Runner.csproj", "runner", "Firmware.Arm64.Runner");
        }));
        _fwagent = new(() => Task.Run(async () =>
        {
            await Runner();
            return Publish("device-runtime/fwagent/fwagent.csproj", "fwagent", "fwagent");
        }));
    }

    /// <summary>fwctl built for linux-arm64 (the path of its apphost).</summary>
    public Task<string> Fwctl() => _fwctl.Value;

    /// <summary>tests/Firmware.Arm64.Runner built for linux-arm64.</summary>
    public Task<string> Runner()
    {
        _ = Fwctl();
        return _runner.Value;
    }

    /// <summary>device-runtime/fwagent built for linux-arm64, after the others.</summary>
    public Task<string> Fwagent()
    {
        _ = Runner();
        return _fwagent.Value;
    }

    /// <summary>Where the emulated agent finds arm64 OpenSSL (<see cref="EmulatedOpenSsl"/>): beside it, as fwctl board test expects; fetched on first use.</summary>
    public string OpenSsl() => EmulatedOpenSsl.Ensure(Path.Combine(_root, "fwagent", "openssl"), _ => { });

    /// <summary>Runs an arm64 executable under qemu-aarch64.</summary>
    public static ProcessResult Run(string executable, IEnumerable<string> arguments, TimeSpan timeout) =>
        Execute(Qemu, ["-L", QemuUser.Sysroot, executable, .. arguments], timeout, Environment);

    private string Publish(string project, string name, string executable)
    {
        foreach (var tool in (string[])[Qemu, "dotnet"])
            if (!OnPath(tool)) throw new InvalidOperationException($"{tool} is not installed (test.sh installs qemu-user)");
        string output = Path.Combine(_root, name);
        var result = Execute("dotnet",
            ["publish", Path.Combine(RepoPaths.Root, project), "-r", "linux-arm64", "--self-contained", "-c", "Release",
             "-o", output, "--artifacts-path", Path.Combine(_root, "build"), "-v", "q", "-nologo",
             "-nodeReuse:false", // no MSBuild nodes left behind by a test
             "-p:RunAnalyzers=false"], // the solution's own build has run them; this is a second compile of the same code
            TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        if (result.ExitCode != 0) throw new InvalidOperationException($"publishing {project} for linux-arm64 failed: {result}");
        return Path.Combine(output, executable);
    }

    private static bool OnPath(string tool) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    /// <summary>Runs a process to completion (killing it after <paramref name="timeout"/>), both streams read concurrently.</summary>
    public static ProcessResult Execute(string fileName, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host runs under MSBuild's and vstest's variables; a nested build must not inherit them.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(-1, stdout.Result, stderr.Result + $"\n(killed after {timeout.TotalSeconds:F0} s)", clock.Elapsed);
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
