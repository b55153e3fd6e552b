using System.Diagnostics;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// linux-arm64 .NET apps on an emulated AArch64 Linux: qemu-aarch64 user mode with the cross toolchain's
/// sysroot (docs/boards.md; recipes.md: .NET on an emulated AArch64 board).
/// </summary>
public static class QemuUser
{
    public const string Qemu = "qemu-aarch64";
    public const string Sysroot = "/usr/aarch64-linux-gnu";

    /// <summary>
    /// What every emulated .NET process gets. Invariant globalization: there is no arm64 libicu. Then two
    /// settings for .NET's runtime itself, which Microsoft does not support under qemu: seen here, without
    /// them, an allocation-heavy run (compiling a 30,000-instruction program) crashed now and then with SIGSEGV
    /// or a corrupted object before any generated code had run; with no background GC thread
    /// (<c>DOTNET_gcConcurrent=0</c>) or no W^X double mapping of the runtime's own code
    /// (<c>DOTNET_EnableWriteXorExecute=0</c>) it never did. Neither touches what is tested: the eBPF JIT and
    /// the hooks map their code themselves (<c>ExecutableMemory</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_EnableWriteXorExecute"] = "0",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>
    /// Runs <paramref name="executable"/> (built for linux-arm64) under qemu-aarch64; <paramref name="libraries"/>,
    /// when given, is searched for shared libraries the sysroot lacks (<see cref="EmulatedOpenSsl"/>).
    /// </summary>
    public static ProcessStartInfo StartInfo(string executable, IEnumerable<string> arguments, string? libraries = null)
    {
        var start = new ProcessStartInfo(Qemu) { UseShellExecute = false };
        foreach (string argument in (string[])["-L", Sysroot, executable, .. arguments]) start.ArgumentList.Add(argument);
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        if (libraries is not null) start.Environment["LD_LIBRARY_PATH"] = libraries;
        return start;
    }
}
