using System.Diagnostics;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Thumb2.Tests.Emulation;
using Firmware.Tools;
using Xunit.Abstractions;

namespace Firmware.Thumb2.Tests;

/// <summary>
/// The C corpus (tests/data/corpus, clang-19 to eBPF as fwctl builds it) compiled to Thumb-2 and run on
/// the board over all the corpus inputs in order, each program in one instance on both sides: the map
/// values and globals a run leaves are where the next input starts, on the interpreter as on the board.
/// After every input r0, the buffer and the map values must be the interpreter's.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_corpus_program_gives_the_interpreters_results_on_the_board_input_after_input()
    {
        var watch = Stopwatch.StartNew();
        string directory = Directory.CreateTempSubdirectory("thumb2-corpus-").FullName;
        // clang runs beside the board: each program's object is built on the thread pool while earlier ones run.
        var objects = CorpusSources.Corpus.Select(source => (source, Task.Run(() =>
        {
            string elf = Path.Combine(directory, Path.GetFileName(source.Source) + ".o");
            CCompiler.CompileBpf(source.Source, elf, CorpusSources.IncludeDirectory);
            return elf;
        }))).ToList();
        try
        {
            long budget = ExecutionLimits.Default.InstructionBudget;
            var failures = new List<string>();
            long instructions = 0, codeBytes = 0;
            foreach (var (source, elf) in objects)
            {
                var program = ProgramFile.Load(await elf);
                var helpers = StandardHelpers.CreateTable();
                using var instance = ProgramInstance.Create(program, helpers, new ExecutionLimits(budget));
                var board = new BoardProgram(program, helpers);
                instructions += program.Instructions.Length;
                codeBytes += board.Image.Code.Length;
                foreach (var input in CorpusInputs.All)
                {
                    var expected = BoardRun.OnInterpreter(instance, (byte[])input.Bytes.Clone());
                    var (actual, _) = board.Run(input.Bytes, budget);
                    // The corpus programs run to the end (the host tests check them against gcc): a fault would leave them untested.
                    if (expected.Value is null || !actual.Matches(expected))
                    {
                        // Later inputs start from the state this one left: one difference per program.
                        failures.Add($"{source.Name} on {input.Name}: interpreter {expected}\n    board {actual}");
                        break;
                    }
                }
            }
            output.WriteLine($"{objects.Count} programs x {CorpusInputs.All.Count} inputs, {instructions} eBPF instructions, {codeBytes} bytes of Thumb-2 "
                + $"({(double)codeBytes / instructions:F1} per instruction), {watch.Elapsed.TotalSeconds:F1} s");
            Assert.True(failures.Count == 0, $"{failures.Count} of {objects.Count} programs differ:\n{string.Join('\n', failures)}");
        }
        finally
        {
            // Let every compiler finish before its directory goes; a failed build has failed the test already.
            foreach (var (_, elf) in objects) ((IAsyncResult)elf).AsyncWaitHandle.WaitOne();
            Directory.Delete(directory, recursive: true);
        }
    }
}
