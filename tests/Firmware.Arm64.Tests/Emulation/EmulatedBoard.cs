using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Tools;
using Firmware.Tools.Boards;
using Firmware.Tools.Boards.Testing;
using Firmware.Tools.Packaging;

namespace Firmware.Arm64.Tests.Emulation;

/// <summary>
/// The qemu-aarch64 board for a test class: the linux-arm64 fwagent under qemu-aarch64, hosting the sample
/// firmware it built with aarch64-linux-gnu-gcc, its traffic running on one thread with every 8th packet
/// malicious, driven through its stdin control channel. Also packs signed patches for it: each gets the
/// next sequence number, so the tests of a class can install in any order.
/// </summary>
public sealed class EmulatedBoard : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fw-arm64-board-").FullName;
    private readonly SigningKey _key = SigningKey.Generate();
    private ulong _sequence;

    public EmulatedBoard()
    {
        Catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        Board = Catalog.Load("qemu-aarch64");
    }

    public BoardCatalog Catalog { get; }
    public BoardDefinition Board { get; }
    public AgentSession Agent { get; private set; } = null!;

    /// <summary>The trusted key's file, for agents a test starts itself.</summary>
    public string TrustedKey => Path.Combine(_directory, "trusted.pub");

    /// <summary>The linux-arm64 fwagent's path.</summary>
    public string Executable { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Executable = await Arm64Emulation.Instance.Fwagent();
        File.WriteAllText(TrustedKey, _key.PublicKeyPem);
        string[] arguments =
        [
            "--board", Board.Name, "--id", "arm64-test", "--boards-dir", Catalog.Directory, "--state", Path.Combine(_directory, "state"),
            "--trust", TrustedKey, "--workers", "1", "--malicious-every", "8",
        ];
        Agent = new AgentSession(QemuUser.StartInfo(Executable, arguments, Arm64Emulation.Instance.OpenSsl()), TimeSpan.FromMinutes(5), _ => { });
    }

    /// <summary>A board example (boards/B/examples/NAME.c) compiled, verified and signed as `fwctl pack` does; returns the package file.</summary>
    public string Pack(string board, string example)
    {
        var source = BoardExample.Load(Path.Combine(Catalog.Directory, board, "examples", example + ".c"));
        string output = Path.Combine(_directory, $"{example}.o");
        var compiled = PatchCompiler.Compile(source.Path, output, Catalog, Board);
        Assert.True(compiled.Succeeded, compiled.Diagnostics);
        var target = new PackageTarget(Board, source.Hook, source.Kind, Interlocked.Increment(ref _sequence), [], "arm64 test");
        var packed = PackageBuilder.Pack(ProgramFile.Load(output), target, _key);
        Assert.True(packed.Package is not null, string.Join("\n", packed.Rejections.Select(r => r.Format(example))));
        string package = Path.Combine(_directory, $"{example}-{target.Sequence}.fwp");
        File.WriteAllBytes(package, packed.Package!);
        return package;
    }

    public Task DisposeAsync()
    {
        Agent?.Dispose();
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
