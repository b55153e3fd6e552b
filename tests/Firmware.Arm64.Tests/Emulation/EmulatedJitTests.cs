using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Arm64.Tests.Emulation;

/// <summary>The AArch64 JIT running for real, under qemu-aarch64: fwctl's conformance and run commands.</summary>
public class EmulatedFwctlTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_whole_conformance_suite_passes_on_the_arm64_engine()
    {
        string fwctl = await Arm64Emulation.Instance.Fwctl();

        var result = Arm64Emulation.Run(fwctl, ["conformance", RepoPaths.ConformanceTests, "--engine", "arm64"], Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("313 passed, 0 failed", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Fwctl_run_on_the_arm64_engine_prints_what_the_interpreter_computes_and_reports_faults_alike()
    {
        string fwctl = await Arm64Emulation.Instance.Fwctl();
        string directory = Directory.CreateTempSubdirectory("fw-arm64-run-").FullName;
        try
        {
            // Sums the buffer through a helper-free loop with a local call per byte, then byte-swaps the sum.
            const string sum = """
                r6 = r1
                r7 = r2
                r0 = 0
                loop:
                if r7 == 0 goto done
                r1 = *(u8 *)(r6 + 0)
                call mix
                r6 += 1
                r7 += -1
                goto loop
                done:
                r0 = bswap64 r0
                exit
                mix:
                r0 *= 31
                r0 += r1
                exit
                """;
            // Recurses until the frame limit: a fault with no address in it, so the same in every process.
            const string deep = """
                f:
                call f
                exit
                """;
            string sumFile = Path.Combine(directory, "sum.s"), deepFile = Path.Combine(directory, "deep.s"), input = Path.Combine(directory, "input.bin");
            File.WriteAllText(sumFile, sum);
            File.WriteAllText(deepFile, deep);
            byte[] bytes = [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 13 + 5))];
            File.WriteAllBytes(input, bytes);

            var summed = Arm64Emulation.Run(fwctl, ["run", sumFile, "--mem", input, "--engine", "arm64"], Timeout);
            var faulted = Arm64Emulation.Run(fwctl, ["run", deepFile, "--engine", "arm64"], Timeout);

            Assert.True(summed.ExitCode == 0, summed.ToString());
            Assert.Equal($"0x{Interpret(sum, bytes).Value:x}", summed.Stdout.Trim());
            Assert.Equal(1, faulted.ExitCode);
            Assert.Equal($"fwctl: fault: {Interpret(deep, []).Fault}", faulted.Stderr.Trim());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The interpreter's answer, here on the host.</summary>
    private static Firmware.Ebpf.Memory.RunResult Interpret(string assembly, byte[] input)
    {
        using var instance = ProgramInstance.Create(EbpfProgram.FromInstructions("p", Assembler.Assemble(assembly)), StandardHelpers.CreateTable());
        using var engine = Engines.Create(Engines.Interpreter, instance);
        return engine.RunOnBuffer((byte[])input.Clone());
    }
}

/// <summary>
/// Interpreter against the AArch64 JIT in one emulated process (tests/Firmware.Arm64.Runner): random
/// programs from tests/Firmware.Ebpf.Tests' generator, large programs, unchecked accesses.
/// </summary>
public class EmulatedDifferentialTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Random_programs_agree_with_the_interpreter_under_qemu()
    {
        string runner = await Arm64Emulation.Instance.Runner();

        var result = Arm64Emulation.Run(runner, ["differential", "--straight", "1000", "--programs", "3000"], Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("straight-line: 1000 programs, 0 mismatches", result.Stdout);
        Assert.Contains("programs: 3000 programs, 0 mismatches", result.Stdout);
    }

    /// <summary>
    /// Two layouts the random programs do not reach, in one emulated process: code far larger than a
    /// conditional branch's ±1 MiB, and accesses left unchecked because proven safe (every addressing form).
    /// </summary>
    [Fact]
    public async Task Large_programs_and_unchecked_accesses_agree_with_the_interpreter_under_qemu()
    {
        string runner = await Arm64Emulation.Instance.Runner();

        var result = Arm64Emulation.Run(runner, ["large", "proven", "--proven", "500"], Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"large: 4 programs of \d+ slots \([\d,]+ bytes of code\), 0 mismatches", result.Stdout);
        Assert.Contains("proven: 500 programs, 0 mismatches", result.Stdout);
    }
}
