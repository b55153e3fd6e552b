using System.Security.Cryptography;
using System.Text;

namespace Firmware.Tools.Boards.Cortex;

/// <summary>
/// The mps2-an386 sample firmware, built with arm-none-eabi-gcc from the board's SDK, its firmware
/// directory and the shared sensor gateway (docs/cortex-m.md). Builds are cached by content: the same
/// sources and flags give the same ELF, built once. <see cref="BuildId"/> is the SHA-256 of the image
/// as flashed (`objcopy -O binary`), which the stub computes over its own flash at boot. The traffic
/// scenario is part of the build: every <c>maliciousEvery</c>-th packet lies about its length, and the
/// firmware's counters calibrate the <c>probeReadings</c> through the hook (main.c).
/// </summary>
public sealed record CortexFirmware(string ElfPath, byte[] BuildId)
{
    public const string Compiler = "arm-none-eabi-gcc";

    private static readonly string[] Flags =
    [
        "-mcpu=cortex-m4", "-mthumb", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-nostdlib", "-ffreestanding", "-DFW_BARE_METAL",
    ];

    /// <summary>The C sources and headers a build reads, relative to the board directory, and the include directories.</summary>
    private static readonly string[] SourceDirectories = ["sdk", "firmware", "../firmware"];

    /// <summary>Builds (or finds in <paramref name="cacheDirectory"/>) the firmware of the board in <paramref name="boardDirectory"/>.</summary>
    public static CortexFirmware Build(string boardDirectory, int maliciousEvery, IReadOnlyList<int> probeReadings, string? cacheDirectory = null)
    {
        string[] flags =
        [
            .. Flags, $"-DFW_MALICIOUS_EVERY={maliciousEvery}",
            $"-DFW_PROBE_READINGS={string.Join(',', probeReadings.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)))}",
        ];
        var files = SourceDirectories
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(boardDirectory, d)).Where(f => f.EndsWith(".c") || f.EndsWith(".h") || f.EndsWith(".ld")))
            .Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
        string key = ContentKey(flags, files);
        string directory = Path.Combine(cacheDirectory ?? Path.Combine(Path.GetTempPath(), "fwctl-cortex"), key);
        string elf = Path.Combine(directory, "firmware.elf"), image = Path.Combine(directory, "firmware.bin");
        if (!File.Exists(image))
            BuildInto(boardDirectory, flags, files, directory);
        return new CortexFirmware(elf, SHA256.HashData(File.ReadAllBytes(image)));
    }

    private static string ContentKey(IEnumerable<string> flags, IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(string.Join(' ', flags)));
        foreach (string file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes("\0" + Path.GetFileName(file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>Builds in a scratch directory and renames it into place, so a concurrent build never sees half a cache entry.</summary>
    private static void BuildInto(string boardDirectory, IEnumerable<string> flags, IReadOnlyList<string> files, string directory)
    {
        string scratch = directory + "." + Environment.ProcessId + ".tmp";
        Directory.CreateDirectory(scratch);
        try
        {
            var arguments = new List<string>(flags);
            arguments.AddRange(SourceDirectories.Select(d => "-I" + Path.GetFullPath(Path.Combine(boardDirectory, d))));
            arguments.AddRange(["-T", Path.GetFullPath(Path.Combine(boardDirectory, "sdk", "link.ld"))]);
            arguments.AddRange(files.Where(f => f.EndsWith(".c")));
            arguments.AddRange(["-lgcc", "-o", Path.Combine(scratch, "firmware.elf")]);
            Run(Compiler, arguments);
            Run("arm-none-eabi-objcopy", ["-O", "binary", Path.Combine(scratch, "firmware.elf"), Path.Combine(scratch, "firmware.bin")]);
            try
            {
                Directory.Move(scratch, directory);
            }
            catch (IOException) when (File.Exists(Path.Combine(directory, "firmware.bin")))
            {
                // Another process built the same content first.
            }
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Run(string tool, IEnumerable<string> arguments)
    {
        var result = ExternalTool.Run(tool, arguments)
            ?? throw new InvalidOperationException($"{tool} not found: install gcc-arm-none-eabi (Debian) to build the Cortex-M firmware");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
    }
}
