using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Verifier;

namespace Firmware.Bench;

/// <summary>
/// One run of a program on a fresh copy of the 4 KiB input, the copy included (as `fwctl run --repeat`
/// counts it), on each engine and natively, so the engines' ratios to gcc -O2 come from one run.
/// </summary>
public unsafe class ExecutionBenchmarks
{
    private byte[] _buffer = [];
    private ProgramInstance? _instance;
    private IEngine? _engine;
    private delegate* unmanaged<byte*, ulong, ulong> _native;

    public static IEnumerable<string> Programs => BenchSettings.Programs;
    public static IEnumerable<string> EngineNames =>
        [BenchSettings.Native, .. BenchSettings.Engines, .. BenchSettings.Engines.Contains(Engines.Interpreter) ? [BenchSettings.ProvenInterpreter] : Array.Empty<string>()];

    [ParamsSource(nameof(Programs))]
    public string Program { get; set; } = "";

    [ParamsSource(nameof(EngineNames))]
    public string Engine { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var workload = Workloads.Get(Program);
        // Pinned, so the native call needs no fixed block inside the measured method.
        _buffer = GC.AllocateArray<byte>(Workloads.Input.Length, pinned: true);
        if (Engine == BenchSettings.Native)
            _native = workload.Native;
        else
        {
            _instance = ProgramInstance.Create(workload.Program, StandardHelpers.CreateTable());
            _engine = Engine == BenchSettings.ProvenInterpreter
                ? Engines.Create(Engines.Interpreter, _instance, Proofs(workload))
                : Engines.Create(Engine, _instance);
        }
        // A benchmark of a wrong answer or a fault would measure nothing useful.
        ulong result = Run();
        if (result != workload.Expected)
            throw new InvalidOperationException($"{Program} on {Engine} returned 0x{result:x}, native gcc 0x{workload.Expected:x}");
    }

    /// <summary>What the verifier proves of the program for the input's size; a rejected program has no proofs.</summary>
    private static IAccessProofs Proofs(Workload workload)
    {
        var result = Verifier.Verifier.Verify(workload.Program, VerifierOptions.ForBuffer(Workloads.Input.Length));
        Console.WriteLine($"{workload.Name}: {(result.Accepted ? "verified" : $"rejected ({result.Errors[0].Message}), every access checked")}");
        return result.Proofs;
    }

    [Benchmark]
    public ulong Run()
    {
        Workloads.Input.CopyTo(_buffer, 0);
        if (_engine is null)
            return _native((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer)), (ulong)_buffer.Length);
        var result = _engine.RunOnBuffer(_buffer);
        return result.Ok ? result.Value : throw new InvalidOperationException($"{Program} on {Engine}: {result.Fault}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine?.Dispose();
        _instance?.Dispose();
    }
}
