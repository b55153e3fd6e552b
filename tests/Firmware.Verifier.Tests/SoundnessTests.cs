using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Xunit.Abstractions;

namespace Firmware.Verifier.Tests;

/// <summary>
/// Soundness: a program the verifier accepts never faults when the interpreter runs it with its checks
/// on, on random inputs of the declared size. Programs come from <see cref="SafeProgramGenerator"/>.
/// </summary>
public sealed class SoundnessTests(ITestOutputHelper output)
{
    private const int Programs = 10000;
    private const int InputsPerProgram = 4;

    [Fact]
    public void Accepted_programs_never_fault_on_the_interpreter()
    {
        var random = new Random(20261126);
        int accepted = 0, runs = 0;
        var escapes = new List<string>();
        for (int i = 0; i < Programs; i++)
        {
            int memSize = random.Next(1, 5) * 16;
            string text = new SafeProgramGenerator(random, memSize).Generate();
            var program = new EbpfProgram($"random{i}", Assembler.Assemble(text));
            if (!Verifier.Verify(program, VerifierOptions.ForBuffer(memSize)).Accepted) continue;
            accepted++;
            using var instance = ProgramInstance.Create(program, StandardHelpers.CreateTable());
            using var engine = Engines.Create(Engines.Interpreter, instance);
            for (int run = 0; run < InputsPerProgram; run++)
            {
                var input = new byte[memSize];
                random.NextBytes(input);
                var result = engine.RunOnBuffer(input);
                runs++;
                if (!result.Ok) escapes.Add($"{result.Fault} with mem-size {memSize}:\n{text}");
            }
        }
        output.WriteLine($"{Programs} random programs, {accepted} accepted, {runs} runs, {escapes.Count} faults");
        Assert.True(escapes.Count == 0, $"{escapes.Count} faults; first:\n{escapes.FirstOrDefault()}");
        Assert.InRange(accepted, Programs / 5, Programs);
    }
}
