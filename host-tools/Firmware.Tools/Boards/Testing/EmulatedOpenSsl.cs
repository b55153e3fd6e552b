namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// OpenSSL for the emulated AArch64 board: .NET's ECDSA (package signatures) needs libcrypto, and the
/// cross toolchain's sysroot has none. The first use downloads Debian's libssl3 for arm64 with apt-get
/// (its own package lists under the directory, so the machine's apt configuration is left alone) and
/// unpacks it there; later uses find it.
/// </summary>
public static class EmulatedOpenSsl
{
    private const string Package = "libssl3:arm64";
    private static readonly Lock Gate = new();

    /// <summary>The directory holding libcrypto.so.3 for arm64 under <paramref name="cache"/>, fetched if missing.</summary>
    public static string Ensure(string cache, Action<string> progress)
    {
        string libraries = Path.Combine(cache, "root", "usr", "lib", "aarch64-linux-gnu");
        lock (Gate)
        {
            if (File.Exists(Path.Combine(libraries, "libcrypto.so.3"))) return libraries;
            progress($"fetching {Package} with apt-get into {cache} (once; the emulated agent checks signatures with it)");
            string lists = Path.Combine(cache, "lists"), archives = Path.Combine(cache, "archives");
            Directory.CreateDirectory(Path.Combine(lists, "partial"));
            Directory.CreateDirectory(Path.Combine(archives, "archives", "partial"));
            string[] apt =
            [
                "-o", $"Dir::State::Lists={lists}", "-o", $"Dir::Cache={archives}", "-o", "APT::Architecture=arm64",
                "-o", "APT::Architectures::=arm64", "-o", "Debug::NoLocking=1", "-qq",
            ];
            Execute("apt-get", [.. apt, "update"], cache);
            Execute("apt-get", [.. apt, "download", Package], cache);
            string deb = Directory.EnumerateFiles(cache, "libssl3_*_arm64.deb").FirstOrDefault()
                ?? throw new BoardTestException($"apt-get download {Package} left no .deb in {cache}");
            Execute("dpkg-deb", ["-x", deb, Path.Combine(cache, "root")], cache);
            return File.Exists(Path.Combine(libraries, "libcrypto.so.3"))
                ? libraries
                : throw new BoardTestException($"{deb} has no libcrypto.so.3 under usr/lib/aarch64-linux-gnu");
        }
    }

    private static void Execute(string tool, IEnumerable<string> arguments, string directory)
    {
        var result = ExternalTool.Run(tool, arguments, directory) ?? throw new BoardTestException($"{tool} not found (it comes with Debian's apt and dpkg)");
        if (result.ExitCode != 0)
            throw new BoardTestException($"{tool} {string.Join(' ', arguments)} failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
    }
}
