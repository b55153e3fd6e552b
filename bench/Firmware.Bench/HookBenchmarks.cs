using BenchmarkDotNet.Attributes;
using Firmware.Device.Agent;
using Firmware.Device.Hooks;
using Firmware.Device.Hosting;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Testing;
using Firmware.Tools;
using Firmware.Tools.Boards;
using Firmware.Tools.Packaging;

namespace Firmware.Bench;

/// <summary>
/// The cost a hook adds to a firmware call (targets.md: under 30 ns with an empty filter on the x64
/// JIT; bpftime's userspace uprobe is about 190 ns). Each variant calls fw_calibrate in its own copy
/// of the sample firmware: never hooked, hooked with no patch attached, hooked with a handler that does
/// nothing (the stub and the native→managed dispatch alone), and hooked with an empty filter
/// (FW_CONTINUE) on the x64 JIT and on the interpreter.
/// </summary>
public class HookBenchmarks
{
    private const int Calls = 1000;
    private const string EmptyFilter = """
        #include <fwpatch.h>
        SEC("fw/calibrate")
        u64 empty_filter(struct fw_calibrate_ctx *ctx)
        {
            return FW_CONTINUE;
        }
        """;

    private string _directory = "";
    private SensorGateway? _gateway;

    [Params("unhooked", "detached", "dispatch-only", "x64", "interpreter")]
    public string Variant { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("hook-bench-").FullName;
        var catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        var board = catalog.Load("linux-x64");
        var sources = board.FirmwareSources.Select(s => Path.GetFullPath(Path.Combine(catalog.Directory, "linux-x64", s))).ToList();
        if (Variant is "unhooked" or "dispatch-only")
        {
            string library = Path.Combine(_directory, "libplain.so");
            FirmwareLibrary.Build(sources, library);
            var firmware = FirmwareLibrary.Load(library);
            _gateway = new SensorGateway(firmware);
            if (Variant == "dispatch-only")
                HookTable.Hook(firmware.Export("fw_calibrate"), firmware.SizeOf("fw_calibrate"), "fw_calibrate", firmware.HookArena).Exchange(new Continue());
            return;
        }
        if (Variant == "interpreter") board = board with { Engine = EngineKind.Interpreter };
        using var key = SigningKey.Generate();
        var agent = DeviceAgent.Start(new AgentOptions(Variant, board, Path.Combine(catalog.Directory, "linux-x64"), Path.Combine(_directory, Variant), [key.PublicKey]));
        if (Variant != "detached")
        {
            string source = Path.Combine(_directory, "empty_filter.c"), output = Path.Combine(_directory, "empty_filter.o");
            File.WriteAllText(source, EmptyFilter);
            var compiled = PatchCompiler.Compile(source, output, catalog, board);
            if (compiled.ExitCode != 0) throw new InvalidOperationException(compiled.Diagnostics);
            var packed = PackageBuilder.Pack(ProgramFile.Load(output), new PackageTarget(board, "calibrate", PatchKind.Filter, 1, [], "bench"), key);
            var installed = agent.Install(packed.Package ?? throw new InvalidOperationException("the empty filter was rejected"));
            if (!installed.Ok) throw new InvalidOperationException(installed.Message);
        }
        _gateway = agent.Gateway;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public int Call()
    {
        int sum = 0;
        for (int i = 0; i < Calls; i++) sum += _gateway!.Calibrate(i);
        return sum;
    }

    /// <summary>Lets every call through: what the dispatch costs before any patch runs.</summary>
    private sealed class Continue : IHookHandler
    {
        public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
        {
            result = 0;
            return false;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);
}
