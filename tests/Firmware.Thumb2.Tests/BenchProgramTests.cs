using System.Diagnostics;
using Firmware.Ebpf.Helpers;
using Firmware.Thumb2.Tests.Emulation;
using Firmware.Tools;
using Xunit.Abstractions;

namespace Firmware.Thumb2.Tests;

/// <summary>
/// The bench/programs (clang-19 to eBPF, as fwctl loads them) on the board: each must give the
/// interpreter's result on the benchmarks' 4 KiB input, twenty runs in a row from the same start. The
/// test also prints the figures bench/README.md quotes (code bytes per eBPF instruction, the fewest
/// SysTick cycles of a run on the board, host interpreter time per run); it asserts nothing about them.
/// </summary>
public class BenchProgramTests(ITestOutputHelper output)
{
    [Fact]
    public void Bench_programs_give_the_interpreters_results_on_the_board()
    {
        var input = new byte[4096];
        new Random(4096).NextBytes(input);
        string directory = Directory.CreateTempSubdirectory("thumb2-bench-").FullName;
        try
        {
            output.WriteLine("program | eBPF insns | Thumb-2 bytes | bytes/insn | board cycles/run | interpreter ns/run");
            foreach (var source in CorpusSources.Bench)
            {
                string name = Path.GetFileNameWithoutExtension(source.Source), elf = Path.Combine(directory, name + ".o");
                CCompiler.CompileBpf(source.Source, elf, CorpusSources.IncludeDirectory);
                var program = ProgramFile.Load(elf);
                var helpers = StandardHelpers.CreateTable();
                long budget = Firmware.Ebpf.Engine.ExecutionLimits.Default.InstructionBudget;

                var expected = BoardRun.OnInterpreter(program, helpers, input, budget);
                var (actual, result, image) = BoardRun.OnBoard(program, helpers, input, budget, repeat: 20);

                Assert.True(actual.Matches(expected), $"{name}: interpreter {expected.Value:x} {expected.Fault}, board {actual.Value:x} {actual.Fault}");
                output.WriteLine($"{name} | {program.Instructions.Length} | {image.Code.Length} | {(double)image.Code.Length / program.Instructions.Length:F1} | {result.Cycles} | {InterpreterNanoseconds(program, helpers, input, budget):F0}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The best of five batches of 20 runs: the machine is shared, the lowest is the least disturbed.</summary>
    private static double InterpreterNanoseconds(Firmware.Ebpf.Programs.EbpfProgram program, HelperTable helpers, byte[] input, long budget)
    {
        double best = double.MaxValue;
        for (int batch = 0; batch < 5; batch++)
        {
            var watch = Stopwatch.StartNew();
            for (int run = 0; run < 20; run++) BoardRun.OnInterpreter(program, helpers, input, budget);
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / 20);
        }
        return best;
    }
}
