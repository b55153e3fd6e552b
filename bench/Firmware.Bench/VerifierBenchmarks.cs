using BenchmarkDotNet.Attributes;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Testing;
using Firmware.Verifier;

namespace Firmware.Bench;

/// <summary>Verify time by program size (targets.md: under 100 ms for 4,096 instructions).</summary>
public class VerifierBenchmarks
{
    private EbpfProgram? _program;
    private readonly VerifierOptions _options = VerifierOptions.ForBuffer(64);

    [Params(100, 1000, 4096)]
    public int Instructions { get; set; }

    [GlobalSetup]
    public void Setup() => _program = new EbpfProgram($"chain{Instructions}", Assembler.Assemble(PatchShapedPrograms.Assembly(Instructions)));

    [Benchmark]
    public bool Verify() => Firmware.Verifier.Verifier.Verify(_program!, _options).Accepted;
}
