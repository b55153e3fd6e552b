using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Firmware.Ebpf.Jit.X64;

/// <summary>
/// Register allocation, fixed for the whole program (as in uBPF):
/// <code>
/// eBPF  x86-64  why
/// r0    rax     the C return register
/// r1    rdi     r1..r5 sit in the System V argument registers, so a helper call only moves r4
/// r2    rsi
/// r3    rdx
/// r4    r9      (rcx, the fourth argument register, is taken by shift counts)
/// r5    r8
/// r6    rbx     r6..r9 and r10 are callee-saved: helper calls preserve them for free
/// r7    r13
/// r8    r14
/// r9    r15
/// r10   rbp
/// -     r12     RunState* (callee-saved), the base of every state access
/// -     r10     the remaining instruction budget, charged at back edges
/// -     rcx     scratch: shift counts, divisors, region entries
/// -     r11     scratch: guest addresses (a fault exit reads the faulting address from it)
/// </code>
/// Native stack: between eBPF instructions rsp is 16-byte aligned, at any call depth (the sequences that
/// push, such as division, pop before they end), so a helper call's six pushes keep it aligned.
/// </summary>
internal static class X64Registers
{
    private static readonly Register[] Map =
        [Register.RAX, Register.RDI, Register.RSI, Register.RDX, Register.R9, Register.R8,
         Register.RBX, Register.R13, Register.R14, Register.R15, Register.RBP];

    /// <summary>The eBPF registers living in rax and rdx, which x86 division takes over.</summary>
    public const int InRax = 0, InRdx = 3;

    public static readonly AssemblerRegister64 State = r12;
    public static readonly AssemblerRegister64 Budget = r10;
    public static readonly AssemblerRegister64 Scratch = rcx;
    public static readonly AssemblerRegister64 Address = r11;

    /// <summary>Callee-saved registers the entry stub preserves for its caller, in push order.</summary>
    public static readonly AssemblerRegister64[] CalleeSaved = [rbp, rbx, r12, r13, r14, r15];

    public static AssemblerRegister64 Reg(int ebpf) => new(Map[ebpf]);

    public static Register R64(int ebpf) => Map[ebpf];

    public static Register R32(int ebpf) => Register.EAX + Number(ebpf);

    /// <summary>The register viewed at an operand width of 1, 2, 4 or 8 bytes.</summary>
    public static Register View(int ebpf, int bytes) => bytes switch
    {
        1 => Number(ebpf) < 4 ? Register.AL + Number(ebpf) : Register.SPL + (Number(ebpf) - 4),
        2 => Register.AX + Number(ebpf),
        4 => R32(ebpf),
        _ => R64(ebpf),
    };

    /// <summary>The view an ALU or jump of this class works on: 64-bit or 32-bit.</summary>
    public static Register Operand(int ebpf, bool wide) => wide ? R64(ebpf) : R32(ebpf);

    /// <summary>The hardware register number (rax = 0 ... r15 = 15); Iced lists each width in that order.</summary>
    private static int Number(int ebpf) => Map[ebpf] - Register.RAX;
}
