using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Thumb2.Tests.Emulation;
using Firmware.Tools.Conformance;

namespace Firmware.Thumb2.Tests;

/// <summary>
/// The whole bpf_conformance suite compiled to Thumb-2 and run on the Cortex-M4 runner under
/// qemu-system-arm, with the runner's convention (r1 = memory, r2 = length) and helper 5: every case
/// must end as the interpreter ends it and as the case expects.
/// </summary>
public class ConformanceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void The_whole_suite_gives_the_interpreters_results_on_the_board()
    {
        var files = Directory.GetFiles(RepoPaths.ConformanceTests, "*.data").Order(StringComparer.Ordinal).ToList();
        var failures = new List<string>();
        int ran = 0, rejected = 0;
        long instructions = 0, codeBytes = 0;
        foreach (var file in files)
        {
            var test = ConformanceCase.Load(file);
            EbpfProgram program;
            try
            {
                program = test.Raw is { } raw
                    ? EbpfProgram.FromBytecode(test.Name, raw)
                    : EbpfProgram.FromInstructions(test.Name, Assembler.Assemble(test.Asm!));
            }
            catch (ProgramFormatException)
            {
                // Rejected before any engine sees it, as the suite expects of these.
                if (test.Error is null) failures.Add($"{test.Name}: rejected");
                rejected++;
                continue;
            }
            var helpers = ConformanceRunner.Helpers();
            var expected = BoardRun.OnInterpreter(program, helpers, test.Memory, Firmware.Ebpf.Engine.ExecutionLimits.Default.InstructionBudget);
            var (actual, _, image) = BoardRun.OnBoard(program, helpers, test.Memory, Firmware.Ebpf.Engine.ExecutionLimits.Default.InstructionBudget);
            ran++;
            instructions += program.Instructions.Length;
            codeBytes += image.Code.Length;
            if (!actual.Matches(expected))
                failures.Add($"{test.Name}: interpreter {expected}\n    board {actual}");
            else if (test.Result is { } result && actual.Value != result)
                failures.Add($"{test.Name}: expected 0x{result:x}, board {actual}");
        }
        output.WriteLine($"{ran} programs, {instructions} eBPF instructions, {codeBytes} bytes of Thumb-2 ({(double)codeBytes / instructions:F1} per instruction)");
        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} cases differ:\n{string.Join('\n', failures.Take(20))}");
        Assert.Equal(313, ran + rejected);
    }
}
