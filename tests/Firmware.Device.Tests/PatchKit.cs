using Firmware.Device.Agent;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Containers;
using Firmware.Protocol.Packages;
using Firmware.Tools;
using Firmware.Tools.Boards;
using Firmware.Tools.Packaging;

namespace Firmware.Device.Tests;

/// <summary>
/// What a host does before a device sees a patch, as fwctl does it: compile C with clang-19 for the
/// board, verify, sign. Also makes devices: each agent gets its own state directory and therefore its
/// own copy of the firmware library, an independent firmware instance in this process.
/// </summary>
public sealed class PatchKit : IDisposable
{
    /// <summary>A second calibration patch, distinguishable from calibrate_fix: 800 reads as 101, not 100.</summary>
    public const string Offset399 = """
        #include <fwpatch.h>
        SEC("fw/calibrate")
        s64 calibrate_399(struct fw_calibrate_ctx *ctx)
        {
            s32 raw = ctx->raw;
            return raw * 5 / 8 - 399;
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("device-tests-").FullName;
    private int _next;

    public PatchKit()
    {
        Catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        Board = Catalog.Load("linux-x64");
        Key = SigningKey.Generate();
        Trusted = Key.PublicKey;
    }

    public BoardCatalog Catalog { get; }
    public BoardDefinition Board { get; }
    public SigningKey Key { get; }
    public TrustedKey Trusted { get; }

    public string Example(string name) => Path.Combine(Catalog.Directory, "linux-x64", "examples", name + ".c");

    /// <summary>Writes a C patch for the test to a file.</summary>
    public string Source(string name, string code)
    {
        string path = Path.Combine(_directory, name + ".c");
        File.WriteAllText(path, code);
        return path;
    }

    /// <summary>Compiles a C patch with clang-19 for the board, as `fwctl build` does; returns the object's path.</summary>
    public string Compile(string source, BoardDefinition? board = null)
    {
        string output = Path.Combine(_directory, $"{Path.GetFileNameWithoutExtension(source)}-{Interlocked.Increment(ref _next)}.o");
        var compiled = PatchCompiler.Compile(source, output, Catalog, board ?? Board);
        Assert.True(compiled.ExitCode == 0, compiled.Diagnostics);
        return output;
    }

    /// <summary>Compiles, verifies and signs <paramref name="source"/> for <paramref name="board"/> (default linux-x64).</summary>
    public byte[] Pack(string source, string hook, PatchKind kind, ulong sequence, SigningKey? key = null, BoardDefinition? board = null, byte[]? buildId = null) =>
        Pack(ProgramFile.Load(Compile(source, board)), hook, kind, sequence, key, board, buildId);

    /// <summary>Verifies and signs an already compiled program, as `fwctl pack` does.</summary>
    public byte[] Pack(EbpfProgram program, string hook, PatchKind kind, ulong sequence, SigningKey? key = null, BoardDefinition? board = null, byte[]? buildId = null)
    {
        var target = new PackageTarget(board ?? Board, hook, kind, sequence, buildId ?? [], "test");
        var packed = PackageBuilder.Pack(program, target, key ?? Key);
        Assert.True(packed.Package is not null, string.Join("\n", packed.Rejections.Select(r => r.Format(program.Name))));
        return packed.Package!;
    }

    /// <summary>Compiles a container's C source and packs every section, as `fwctl pack --kind container` does.</summary>
    public byte[] PackContainer(string source, string name, ulong sequence, ContainerLimits? limits = null)
    {
        var target = new PackageTarget(Board, "", PatchKind.Container, sequence, [], "test");
        var packed = ContainerBuilder.Pack(ProgramFile.LoadAll(Compile(source)), target, name, limits ?? ContainerLimits.Default, Key);
        Assert.True(packed.Package is not null, string.Join("\n", packed.Rejections.Select(r => r.Format(name))));
        return packed.Package!;
    }

    public AgentOptions Device(string id, BoardDefinition? board = null, Action<string>? storeStep = null, string? state = null) =>
        new(id, board ?? Board, Path.Combine(Catalog.Directory, "linux-x64"), state ?? Path.Combine(_directory, id), [Trusted], storeStep);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
