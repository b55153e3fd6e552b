using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;
using Firmware.Tools;
using Firmware.Tools.Boards;
using Firmware.Tools.Boards.Cortex;
using Firmware.Tools.Boards.Testing;
using Firmware.Tools.Packaging;

namespace Firmware.Cortex.Tests;

/// <summary>
/// What every test of the mps2-an386 board needs, made once: the firmware (built by arm-none-eabi-gcc),
/// the board definition, a signing key, and packages of the board's examples packed as `fwctl pack` does.
/// </summary>
public sealed class CortexKit : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _scratch = Directory.CreateTempSubdirectory("cortex-tests-").FullName;
    private int _scratches;

    public CortexKit()
    {
        Catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        Board = Catalog.Load("mps2-an386");
        Firmware = CortexFirmware.Build(Path.Combine(Catalog.Directory, Board.Name), BoardTest.MaliciousEvery, BoardTest.ProbeReadings);
    }

    public BoardCatalog Catalog { get; }
    public BoardDefinition Board { get; }
    public CortexFirmware Firmware { get; }
    public SigningKey Key { get; } = SigningKey.Generate();

    public Task<Mps2Qemu> BootAsync() => Mps2Qemu.StartAsync(Firmware, CancellationToken.None);

    /// <summary>A board example (boards/mps2-an386/examples/NAME.c) compiled with clang.</summary>
    public EbpfProgram Example(string name) => Compile(Path.Combine(Catalog.Directory, Board.Name, "examples", name + ".c"));

    /// <summary>A fresh directory for one test's files, removed with the kit.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(_scratch, $"{name}-{Interlocked.Increment(ref _scratches)}")).FullName;

    /// <summary>A patch written in the test, compiled with clang against the board's header.</summary>
    public EbpfProgram Source(string name, string source)
    {
        string path = Path.Combine(_scratch, name + ".c");
        File.WriteAllText(path, source);
        return Compile(path);
    }

    private EbpfProgram Compile(string source)
    {
        string output = Path.Combine(_scratch, Path.GetFileNameWithoutExtension(source) + ".o");
        var result = PatchCompiler.Compile(source, output, Catalog, Board);
        Assert.True(result.Succeeded, result.Diagnostics);
        return ProgramFile.Load(output);
    }

    /// <summary>Packs as `fwctl pack` does: verified, compiled to Thumb-2, signed.</summary>
    public byte[] Pack(EbpfProgram program, string hook, PatchKind kind, ulong sequence, BoardDefinition? board = null, byte[]? buildId = null, SigningKey? key = null)
    {
        var target = new PackageTarget(board ?? Board, hook, kind, sequence, buildId ?? Firmware.BuildId, "test");
        var result = PackageBuilder.Pack(program, target, key ?? Key);
        Assert.True(result.Package is not null, string.Join("\n", result.Rejections.Select(r => r.Message)));
        return result.Package!;
    }

    /// <summary>Waits until the board's counters satisfy <paramref name="condition"/> (polled over the serial link), or fails.</summary>
    public static async Task<Counters> WaitForAsync(Mps2Qemu board, Func<Counters, bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(Patience);
        Counters? counters = null;
        try
        {
            while (!condition(counters = await board.ReadCountersAsync(limit.Token)))
                await Task.Delay(100, limit.Token);
            return counters;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"after {Patience.TotalSeconds} s, still not {what}; last counters: " +
                string.Join(", ", counters?.Values.Select(c => $"{c.Name}={c.Value}") ?? []));
        }
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}

/// <summary>One board test at a time: each runs qemu flat out, and the machine has few cores.</summary>
[CollectionDefinition("mps2-an386", DisableParallelization = true)]
public sealed class CortexCollection : ICollectionFixture<CortexKit>;
