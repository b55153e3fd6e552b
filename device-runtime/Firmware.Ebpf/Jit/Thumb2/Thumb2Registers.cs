namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// Register use and the native frame. Sixteen 32-bit registers cannot hold eleven 64-bit eBPF registers,
/// so, as in Linux's arm32 BPF JIT, the eBPF registers live in a register file in the frame and each
/// instruction loads its operands into fixed working pairs:
/// <code>
/// native  use
/// r0-r3   scratch; helper arguments and results (AAPCS), the address of a memory access in r0
/// r4:r5   the destination operand (low:high)
/// r6:r7   the source operand (low:high)
/// r8      struct fw_env *
/// r9      the literal pool (helper, map and runtime addresses the loader patches)
/// r10     instructions left in the budget (written back to env->budget on the way out)
/// r11     the register file: eBPF register i at [r11 + 8 i]; sp at the entry after its frame
/// r12     scratch for immediates
/// </code>
/// The entry's frame, from r11 up: the register file (96 bytes), the eBPF stack (512 bytes per frame,
/// r10 starts at its top), then the saved r3-r11 and lr (r3 only keeps sp 8-byte aligned). Every
/// function (the program, each local call) pushes 8 bytes (r3, lr) at its start; a local call also
/// pushes the caller's r6..r9 (32 bytes).
/// </summary>
internal static class Thumb2Registers
{
    public const int DstLo = 4, DstHi = 5, SrcLo = 6, SrcHi = 7;
    public const int Env = 8, Pool = 9, Budget = 10, Registers = 11, Scratch = 12;

    /// <summary>The register file's size: eleven 8-byte registers, rounded to keep the stack 8-byte aligned.</summary>
    public const int RegisterFileBytes = 96;

    /// <summary>Offset of eBPF register <paramref name="ebpf"/>'s low word from r11.</summary>
    public static int Slot(int ebpf) => 8 * ebpf;

    /// <summary>What the entry pushes: r3-r11, lr.</summary>
    public const ushort EntrySaved = 0b0100_1111_1111_1000;

    /// <summary>What each function pushes at its start: r3 (for alignment), lr.</summary>
    public const int FunctionBytes = 8;

    /// <summary>What a local call pushes besides the callee's <see cref="FunctionBytes"/>: the caller's r6..r9.</summary>
    public const int CallSaveBytes = 32;

    /// <summary>The stacked arguments 3..5 of a helper call.</summary>
    public const int HelperArgumentBytes = 24;

    /// <summary>What the region check routine pushes (r4-r6, lr).</summary>
    public const int CheckBytes = 16;

    /// <summary>struct fw_env's fields (docs/thumb2-abi.md).</summary>
    public const int EnvR1 = 0, EnvR2 = 4, EnvRegions = 8, EnvRegionCount = 12, EnvBudget = 16, EnvFault = 20, EnvFaultInsn = 24, EnvFaultAddr = 28, EnvStackBase = 32, EnvStackSize = 36, EnvR3 = 40, EnvR4 = 44, EnvR5 = 48;
}
