using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Firmware.Device.Hooks.X64;

/// <summary>
/// The code a hooked function's entry jumps to (System V AMD64 calling convention):
/// <code>
/// stub:        if (*armed == 0) goto trampoline          // no patch: one load and a branch
///              save rdi, rsi, rdx, rcx, r8, r9
///              action = dispatch(slot, rdi, rsi, rdx, rcx, &amp;result)
///              if (action) return result                 // the patch decided the function's value
///              restore the argument registers
/// trampoline:  the relocated first instruction(s)
///              jmp entry + covered                        // the rest of the original function
/// </code>
/// Only integer arguments are preserved: the dispatcher may clobber xmm registers, so boards hook
/// functions whose arguments are integers and pointers (what board.json's types allow).
/// </summary>
public static class X64HookStub
{
    public static byte[] Encode(ulong address, HookStubTarget target, IReadOnlyList<Instruction> relocated, ulong resume)
    {
        var a = new Assembler(64);
        var trampoline = a.CreateLabel();
        var returnValue = a.CreateLabel();

        a.mov(rax, (ulong)target.Armed);
        a.cmp(__qword_ptr[rax], 0);
        a.je(trampoline);

        // Entry rsp is 8 mod 16; rbp and six arguments make it 0 mod 16, the 16-byte result area keeps it.
        a.push(rbp);
        a.mov(rbp, rsp);
        foreach (var register in Arguments) a.push(register);
        a.sub(rsp, 16);
        a.mov(r9, rsp);
        a.mov(r8, rcx);
        a.mov(rcx, rdx);
        a.mov(rdx, rsi);
        a.mov(rsi, rdi);
        a.mov(edi, target.Slot);
        a.mov(rax, (ulong)target.Dispatcher);
        a.call(rax);
        a.test(eax, eax);
        a.jnz(returnValue);
        a.add(rsp, 16);
        for (int i = Arguments.Length - 1; i >= 0; i--) a.pop(Arguments[i]);
        a.pop(rbp);

        a.Label(ref trampoline);
        foreach (var instruction in relocated) a.AddInstruction(instruction);
        a.jmp(resume);

        a.Label(ref returnValue);
        a.mov(rax, __qword_ptr[rsp]);
        a.leave();
        a.ret();

        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), address);
        return stream.ToArray();
    }

    private static readonly AssemblerRegister64[] Arguments = [rdi, rsi, rdx, rcx, r8, r9];
}
