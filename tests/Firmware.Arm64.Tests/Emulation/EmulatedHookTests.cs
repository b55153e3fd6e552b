namespace Firmware.Arm64.Tests.Emulation;

/// <summary>
/// AArch64 inline hooks running for real, under qemu-aarch64: hand-made functions whose first instruction
/// is PC-relative (encoded by llvm-mc) answer the same once that instruction runs relocated in the stub, and
/// a handler's decision replaces their result (tests/Firmware.Arm64.Runner's hooks mode).
/// </summary>
public class EmulatedHookTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>(x0 on entry, the function, raw data words after it).</summary>
    public static readonly (ulong Argument, string[] Code, uint[] Data)[] Functions =
    [
        (1, ["add x0, x0, #5", "ret"], []),
        (0, ["adr x0, #12", "ret"], []),
        (0, ["adrp x0, #0x3000", "ret"], []),
        (0, ["ldr x0, #8", "ret"], [0x55667788, 0x11223344]),
        (0, ["ldr w0, #8", "ret"], [0x89abcdef]),
        (0, ["ldrsw x0, #8", "ret"], [0x89abcdef]),
        (0, ["cbz x0, #12", "mov x0, #3", "ret", "mov x0, #7", "ret"], []),
        (5, ["cbz x0, #12", "mov x0, #3", "ret", "mov x0, #7", "ret"], []),
        (2, ["tbnz w0, #1, #12", "mov x0, #3", "ret", "mov x0, #7", "ret"], []),
        (1, ["tbnz w0, #1, #12", "mov x0, #3", "ret", "mov x0, #7", "ret"], []),
        (0, ["b #8", "mov x0, #3", "mov x0, #9", "ret"], []),
    ];

    [Fact]
    public async Task Relocated_first_instructions_mean_the_same_and_handlers_decide()
    {
        string runner = await Arm64Emulation.Instance.Runner();
        string[] arguments = ["hooks", .. Functions.SelectMany(f => (string[])["--function",
            $"{f.Argument}:{string.Join(',', LlvmMc.Encode(f.Code).Concat(f.Data).Select(w => w.ToString("x8")))}"])];

        var result = Arm64Emulation.Run(runner, arguments, Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"hooks: {Functions.Length} functions, 0 mismatches", result.Stdout);
    }
}
