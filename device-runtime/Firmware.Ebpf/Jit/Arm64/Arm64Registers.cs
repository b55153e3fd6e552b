namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>
/// Register allocation, fixed for the whole program (as in Linux's arm64 BPF JIT, AAPCS64):
/// <code>
/// eBPF  A64   why
/// r0    x7    caller-saved; a helper's result arrives in x0 and is moved here
/// r1    x0    r1..r5 sit in the argument registers, so a helper call moves none of them
/// r2    x1    (they are caller-saved: a helper call saves and restores them around the call,
/// r3    x2     as the interpreter leaves them unchanged)
/// r4    x3
/// r5    x4
/// r6    x19   r6..r10 are callee-saved: helper calls preserve them for free
/// r7    x20
/// r8    x21
/// r9    x22
/// r10   x23
/// -     x24   RunState*, the base of every state access
/// -     x25   the remaining instruction budget, charged at back edges
/// -     x9    scratch: region entries, exit site index, loaded values
/// -     x10   the guest address of an access (a fault exit reads the faulting address from it)
/// -     x11..x15  scratch (region scan, atomics, lookups)
/// -     x16   scratch for immediates an instruction cannot hold; x17 for offsets of addressing
/// -     x29, x30  frame pointer (the entry's frame record) and link register
/// </code>
/// Native stack: sp stays 16-byte aligned (AAPCS64 and the SP alignment check). Every function of the
/// program (the body, each local call) runs on a 48-byte block whose slot at +32 holds the address its
/// exit returns to; between eBPF instructions sp points at the current block.
/// </summary>
internal static class Arm64Registers
{
    private static readonly int[] Map = [7, 0, 1, 2, 3, 4, 19, 20, 21, 22, 23];

    public const int State = 24;
    public const int Budget = 25;
    public const int Scratch = 9;
    public const int Address = 10;
    public const int Temp1 = 11, Temp2 = 12, Temp3 = 13, Temp4 = 14;
    public const int ImmediateScratch = 16;
    public const int OffsetScratch = 17;
    public const int FramePointer = 29, LinkRegister = 30;

    /// <summary>The A64 register holding eBPF register <paramref name="ebpf"/>.</summary>
    public static int Reg(int ebpf) => Map[ebpf];

    /// <summary>Callee-saved registers the entry preserves for its caller, in pairs (x29, x30 go first).</summary>
    public static readonly (int, int)[] CalleeSaved = [(19, 20), (21, 22), (23, 24), (25, 26)];

    /// <summary>A function's block on the native stack: r6..r9 of the caller, the return address, padding.</summary>
    public const int FrameBlock = 48;
    public const int ReturnSlot = 32;
}
