using BenchmarkDotNet.Attributes;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;

namespace Firmware.Bench;

/// <summary>
/// Preparing a program to run: the interpreter's predecoding, a JIT's compilation. Measured from a
/// loaded program with its instance ready, as `fwctl run` reports compile_ns.
/// </summary>
public class CompileBenchmarks
{
    private ProgramInstance? _instance;

    public static IEnumerable<string> Programs => BenchSettings.Programs;
    public static IEnumerable<string> EngineNames => BenchSettings.Engines;

    [ParamsSource(nameof(Programs))]
    public string Program { get; set; } = "";

    [ParamsSource(nameof(EngineNames))]
    public string Engine { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _instance = ProgramInstance.Create(Workloads.Get(Program).Program, StandardHelpers.CreateTable());

    [Benchmark]
    public void Compile()
    {
        using var engine = Engines.Create(Engine, _instance!);
    }

    [GlobalCleanup]
    public void Cleanup() => _instance?.Dispose();
}
