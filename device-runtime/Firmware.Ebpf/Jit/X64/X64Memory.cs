using System.Numerics;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Iced.Intel;
using Instruction = Firmware.Ebpf.Isa.Instruction;
using X86 = Iced.Intel.Instruction;
using static Iced.Intel.AssemblerRegisters;
using static Firmware.Ebpf.Jit.X64.X64Registers;
using Register = Iced.Intel.Register;

namespace Firmware.Ebpf.Jit.X64;

/// <summary>
/// Loads, stores and atomics, each preceded by its region check (<see cref="RegionEntry"/>):
/// <code>
/// rcx = [state + cache slot]          the entry that last admitted this site
/// r11 = base + off; r11 -= [rcx]      offset into that region
/// cmp r11, [rcx + limit(access, size)]; jae miss
/// resume: the access, through [base + off]
/// miss (cold): r11 = base + off; ecx = limit offset; call scan_regions
///              jnc fault (exit site, r11 = address); [slot] = rcx; jmp resume
/// </code>
/// No check is emitted where <see cref="JitCompiler.NeedsRegionCheck"/> says none is needed.
/// </summary>
internal sealed partial class X64Compiler
{
    /// <summary>Loads by log2 of the size: zero-extending (32-bit destination but for 8 bytes) and sign-extending.</summary>
    private static readonly Code[] Loads = [Code.Movzx_r32_rm8, Code.Movzx_r32_rm16, Code.Mov_r32_rm32, Code.Mov_r64_rm64];
    private static readonly Code[] SignExtendingLoads = [Code.Movsx_r64_rm8, Code.Movsx_r64_rm16, Code.Movsxd_r64_rm32];
    private static readonly Code[] RegisterStores = [Code.Mov_rm8_r8, Code.Mov_rm16_r16, Code.Mov_rm32_r32, Code.Mov_rm64_r64];
    private static readonly Code[] ImmediateStores = [Code.Mov_rm8_imm8, Code.Mov_rm16_imm16, Code.Mov_rm32_imm32, Code.Mov_rm64_imm32];

    protected override void EmitLoad(int pc, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize), log = BitOperations.Log2((uint)size);
        EmitRegionCheck(pc, insn.Src, insn.Offset, size, Access.Read, FaultKind.InvalidRead);
        var source = new MemoryOperand(R64(insn.Src), insn.Offset);
        if (insn.AccessMode == AccessMode.MemSx)
            Emit(X86.Create(SignExtendingLoads[log], R64(insn.Dst), source));
        else
            Emit(X86.Create(Loads[log], size == 8 ? R64(insn.Dst) : R32(insn.Dst), source));
    }

    protected override void EmitStore(int pc, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize), log = BitOperations.Log2((uint)size);
        EmitRegionCheck(pc, insn.Dst, insn.Offset, size, Access.Write, FaultKind.InvalidWrite);
        var target = new MemoryOperand(R64(insn.Dst), insn.Offset);
        if (insn.Class == InstructionClass.Stx)
            Emit(X86.Create(RegisterStores[log], target, View(insn.Src, size)));
        else // the immediate truncated to the width, in the range Iced accepts for it
            Emit(X86.Create(ImmediateStores[log], target, size switch { 1 => (sbyte)insn.Imm, 2 => (short)insn.Imm, _ => insn.Imm }));
    }

    /// <summary>
    /// STX|ATOMIC: the region needs read and write rights (an InvalidWrite otherwise), then the address must be
    /// aligned; the operation goes through [r11]. Fetch results of 32-bit forms are zero-extended.
    /// </summary>
    protected override void EmitAtomic(int pc, Instruction insn)
    {
        int size = insn.AccessSize == AccessSize.DW ? 8 : 4;
        bool wide = size == 8;
        EmitRegionCheck(pc, insn.Dst, insn.Offset, size, Access.ReadWrite, FaultKind.InvalidWrite);
        _a.lea(Address, __[Reg(insn.Dst) + insn.Offset]);
        _a.test(r11b, (byte)(size - 1));
        _a.jnz(ExitStub(new ExitSite(FaultKind.MisalignedAtomic, pc, size)));
        var target = new MemoryOperand(Register.R11);
        var src = Operand(insn.Src, wide);
        switch (insn.Imm)
        {
            case AtomicOp.Add | AtomicOp.Fetch:
                EmitLocked(X86.Create(wide ? Code.Xadd_rm64_r64 : Code.Xadd_rm32_r32, target, src));
                break;
            case AtomicOp.Xchg: // xchg with memory is locked without a prefix
                Emit(X86.Create(wide ? Code.Xchg_rm64_r64 : Code.Xchg_rm32_r32, target, src));
                break;
            case AtomicOp.CmpXchg: // rax (r0) is the comparand and receives the old value
                EmitLocked(X86.Create(wide ? Code.Cmpxchg_rm64_r64 : Code.Cmpxchg_rm32_r32, target, src));
                if (!wide) _a.mov(eax, eax); // a successful 32-bit cmpxchg leaves rax's upper half alone
                break;
            case AtomicOp.Add or AtomicOp.Or or AtomicOp.And or AtomicOp.Xor:
                EmitLocked(X86.Create(Binary[(AluOp)insn.Imm].Reg(wide), target, src));
                break;
            default:
                EmitFetchLoop(insn.Imm, insn.Src, wide);
                break;
        }
    }

    private void EmitLocked(X86 instruction)
    {
        instruction.HasLockPrefix = true;
        Emit(instruction);
    }

    /// <summary>or/and/xor with a memory source (64 and 32 bits), for the fetch loop.</summary>
    private static readonly Dictionary<int, (Code Wide, Code Narrow)> FetchOps = new()
    {
        [AtomicOp.Or | AtomicOp.Fetch] = (Code.Or_r64_rm64, Code.Or_r32_rm32),
        [AtomicOp.And | AtomicOp.Fetch] = (Code.And_r64_rm64, Code.And_r32_rm32),
        [AtomicOp.Xor | AtomicOp.Fetch] = (Code.Xor_r64_rm64, Code.Xor_r32_rm32),
    };

    /// <summary>
    /// Fetch-or/and/xor have no x86 instruction returning the old value: a cmpxchg loop on [r11]. rax (r0)
    /// is the comparand, so it is saved first; the operand is pushed too, which covers a source of r0.
    /// <code>
    /// push rax; push src; rax = [r11]
    /// retry: rcx = rax; rcx op= [rsp]; lock cmpxchg [r11], rcx; jne retry
    /// pop (operand); src = rax, pop rax   |   source r0: drop the saved r0, rax already holds the result
    /// </code>
    /// </summary>
    private void EmitFetchLoop(int op, int source, bool wide)
    {
        var old = wide ? Register.RAX : Register.EAX;
        var next = wide ? Register.RCX : Register.ECX;
        var memory = new MemoryOperand(Register.R11);
        var retry = _a.CreateLabel();
        _a.push(rax);
        _a.push(Reg(source));
        Emit(X86.Create(wide ? Code.Mov_r64_rm64 : Code.Mov_r32_rm32, old, memory));
        _a.Label(ref retry);
        Mov(next, old);
        Emit(X86.Create(wide ? FetchOps[op].Wide : FetchOps[op].Narrow, next, new MemoryOperand(Register.RSP)));
        EmitLocked(X86.Create(wide ? Code.Cmpxchg_rm64_r64 : Code.Cmpxchg_rm32_r32, memory, next));
        _a.jne(retry);
        if (source == Isa.Register.R0)
        {
            _a.add(rsp, 16);
            return;
        }
        _a.add(rsp, 8);
        Mov(Operand(source, wide), old);
        _a.pop(rax);
    }

    /// <summary>Checks [base + off, + size) against the run's regions for <paramref name="access"/>; see the class comment.</summary>
    private void EmitRegionCheck(int pc, int baseRegister, short offset, int size, Access access, FaultKind kind)
    {
        if (!NeedsRegionCheck(pc, baseRegister, offset, size)) return;
        var address = __[Reg(baseRegister) + offset];
        int slot = NewCacheSlot();
        int limit = RegionEntry.LimitOffset(access, size);
        var miss = _a.CreateLabel();
        var resume = _a.CreateLabel();
        var fault = ExitStub(new ExitSite(kind, pc, size));
        _a.mov(Scratch, __qword_ptr[State + slot]);
        _a.lea(Address, address);
        _a.sub(Address, __qword_ptr[Scratch]);
        _a.cmp(Address, __qword_ptr[Scratch + limit]);
        _a.jae(miss);
        _a.Label(ref resume);
        _cold.Add(() =>
        {
            _a.Label(ref miss);
            _a.lea(Address, address);
            _a.mov(ecx, limit);
            _a.call(_scanRegions);
            _a.jnc(fault);
            _a.mov(__qword_ptr[State + slot], Scratch);
            _a.jmp(resume);
        });
    }

    /// <summary>
    /// scan_regions: in r11 = address, rcx = limit offset; out CF = 1 and rcx = the admitting entry, or CF = 0.
    /// Preserves every other register. Called with a misaligned rsp (it calls nothing).
    /// </summary>
    private void EmitScanRegions()
    {
        Label next = _a.CreateLabel(), hit = _a.CreateLabel(), missed = _a.CreateLabel();
        _a.Label(ref _scanRegions);
        _a.push(rax);
        _a.push(rdx);
        _a.mov(rax, __qword_ptr[State + RunState.RegionsBeginOffset]);
        _a.Label(ref next);
        _a.cmp(rax, __qword_ptr[State + RunState.RegionsEndOffset]);
        _a.jae(missed);
        _a.mov(rdx, Address);
        _a.sub(rdx, __qword_ptr[rax]);
        _a.cmp(rdx, __qword_ptr[rax + rcx]);
        _a.jb(hit);
        _a.add(rax, RegionEntry.Size);
        _a.jmp(next);
        _a.Label(ref hit);
        _a.mov(rcx, rax);
        _a.pop(rdx);
        _a.pop(rax);
        _a.stc();
        _a.ret();
        _a.Label(ref missed);
        _a.pop(rdx);
        _a.pop(rax);
        _a.clc();
        _a.ret();
    }
}
