using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Iced.Intel;
using Instruction = Firmware.Ebpf.Isa.Instruction;
using X86 = Iced.Intel.Instruction;
using static Iced.Intel.AssemblerRegisters;
using static Firmware.Ebpf.Jit.X64.X64Registers;

namespace Firmware.Ebpf.Jit.X64;

/// <summary>
/// Helper calls, callx, inlined array-map lookups and local calls. Exit is a plain ret: the entry stub
/// called the body, and every local call calls its target.
/// </summary>
internal sealed partial class X64Compiler
{
    /// <summary>
    /// Pushed around a helper call: r1..r5 (the interpreter leaves them unchanged across calls) and the budget.
    /// Six pushes keep rsp 16-byte aligned at the call.
    /// </summary>
    private static readonly AssemblerRegister64[] HelperCallSaved = [rdi, rsi, rdx, r9, r8, Budget];

    /// <summary>r6..r9, pushed around a local call; with the padding and the return address, 48 bytes keep rsp aligned.</summary>
    private static readonly AssemblerRegister64[] LocalCallSaved = [rbx, r13, r14, r15];

    /// <summary>
    /// Through <see cref="HelperBridge"/>: <c>bridge(r1, r2, r3, r4, r5, state)</c> with the helper named in the
    /// state. Any status but Continue leaves at this call's exit site with rax = r0.
    /// </summary>
    protected override void EmitHelperCall(int pc, int helperIndex, int? callxRegister)
    {
        foreach (var register in HelperCallSaved) _a.push(register);
        if (callxRegister is int id) _a.mov(__qword_ptr[State + RunState.CallxIdOffset], Reg(id));
        _a.mov(__dword_ptr[State + RunState.HelperIndexOffset], helperIndex);
        _a.mov(rcx, Reg(4));
        _a.mov(r9, State);
        _a.call(__qword_ptr[State + RunState.HelperEntryOffset]);
        for (int i = HelperCallSaved.Length - 1; i >= 0; i--) _a.pop(HelperCallSaved[i]);
        _a.cmp(__dword_ptr[State + RunState.HelperStatusOffset], (int)HelperStatus.Continue);
        _a.jne(ExitStub(new ExitSite(FaultKind.None, pc)));
    }

    /// <summary>
    /// map_lookup_elem on a known array map, as the helper computes it: the 4-byte key at r2 must be readable
    /// (a HelperFault otherwise), then r0 = index &lt; max_entries ? base + index * stride : 0, without a branch.
    /// </summary>
    protected override void EmitArrayLookup(int pc, ArrayMap map)
    {
        const int key = 2;
        EmitRegionCheck(pc, key, 0, sizeof(uint), Access.Read, FaultKind.HelperFault);
        _a.mov(ecx, __dword_ptr[Reg(key)]);
        _a.imul(Address, rcx, (int)map.Stride);
        _a.mov(rax, map.BaseAddress);
        _a.add(rax, Address);
        _a.xor(r11d, r11d);
        _a.cmp(ecx, (int)map.Definition.MaxEntries);
        _a.cmovae(rax, Address);
    }

    /// <summary>
    /// A fresh 512-byte frame (r10 -= 512) with r6..r9 saved on the native stack. As in the interpreter, the
    /// depth limit is checked first, and a call to an earlier instruction is then charged like a back edge.
    /// </summary>
    protected override void EmitLocalCall(int pc, int target)
    {
        var frameRegister = Reg(Isa.Register.FramePointer);
        _a.cmp(__dword_ptr[State + RunState.DepthOffset], ProgramInstance.MaxCallDepth - 1);
        _a.je(ExitStub(new ExitSite(FaultKind.CallDepthExceeded, pc)));
        if (target <= pc) ChargeBackEdge(pc, target);
        _a.inc(__dword_ptr[State + RunState.DepthOffset]);
        foreach (var register in LocalCallSaved) _a.push(register);
        _a.sub(rsp, 8);
        _a.sub(frameRegister, ProgramInstance.StackFrameSize);
        _a.call(LabelOf(target));
        _a.add(frameRegister, ProgramInstance.StackFrameSize);
        _a.add(rsp, 8);
        for (int i = LocalCallSaved.Length - 1; i >= 0; i--) _a.pop(LocalCallSaved[i]);
        _a.dec(__dword_ptr[State + RunState.DepthOffset]);
    }
}
