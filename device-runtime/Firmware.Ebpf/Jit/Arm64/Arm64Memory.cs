using Firmware.Ebpf.Jit.Assembly;
using System.Numerics;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;
using static Firmware.Ebpf.Jit.Arm64.Arm64Registers;
using Instruction = Firmware.Ebpf.Isa.Instruction;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>
/// Loads, stores and atomics, each preceded by its region check (<see cref="RegionEntry"/>), the same
/// check as the x86-64 JIT's with a per-site cache of the entry that last admitted the site:
/// <code>
/// x9  = [state + cache slot]          the entry that last admitted this site
/// x10 = base + off                    the guest address
/// x11 = [x9]; x12 = [x9 + limit(access, size)]
/// x11 = x10 - x11; cmp x11, x12; b.hs miss
/// resume: the access, through [x10]
/// miss (cold): w11 = limit offset; bl scan_regions; cbz x9, fault (exit site, x10 = address)
///              [slot] = x9; b resume
/// </code>
/// Unchecked accesses (<see cref="JitCompiler.NeedsRegionCheck"/>) go through [base + off] directly.
/// Atomics are LDAXR/STLXR loops (no LSE needed), acquire-release, with a DMB ISH after the fetching
/// forms as the x86 lock prefix orders them.
/// </summary>
internal sealed partial class Arm64Compiler
{
    /// <summary>The A64 op of a load by mode: zero-extending into W (X for 8 bytes), or sign-extending into X.</summary>
    private static LoadStoreOp LoadOp(Instruction insn) => insn.AccessMode == AccessMode.MemSx ? LoadStoreOp.LoadSigned64 : LoadStoreOp.Load;

    /// <summary>Atomic read-modify-write ops by eBPF code (without the fetch bit): the register form computing the new value.</summary>
    private static readonly Dictionary<int, Func<bool, int, int, int, uint>> AtomicOps = new()
    {
        [AtomicOp.Add] = (wide, rd, rn, rm) => AddSubtractShiftedRegister(wide, false, false, Shift.Lsl, rm, 0, rn, rd),
        [AtomicOp.Or] = (wide, rd, rn, rm) => LogicalShiftedRegister(wide, LogicalOp.Orr, Shift.Lsl, false, rm, 0, rn, rd),
        [AtomicOp.And] = (wide, rd, rn, rm) => LogicalShiftedRegister(wide, LogicalOp.And, Shift.Lsl, false, rm, 0, rn, rd),
        [AtomicOp.Xor] = (wide, rd, rn, rm) => LogicalShiftedRegister(wide, LogicalOp.Eor, Shift.Lsl, false, rm, 0, rn, rd),
    };

    protected override void EmitLoad(int pc, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize);
        var (rn, offset) = EmitRegionCheck(pc, insn.Src, insn.Offset, size, Access.Read, FaultKind.InvalidRead);
        _a.LoadStore(Bytes(size), LoadOp(insn), Reg(insn.Dst), rn, offset, OffsetScratch);
    }

    protected override void EmitStore(int pc, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize);
        var (rn, offset) = EmitRegionCheck(pc, insn.Dst, insn.Offset, size, Access.Write, FaultKind.InvalidWrite);
        int value;
        if (insn.Class == InstructionClass.Stx)
            value = Reg(insn.Src);
        else if (insn.Imm == 0)
            value = Arm64Assembler.Zr;
        else
        {
            // The immediate (sign-extended for 8 bytes) truncated to the width by the store itself.
            _a.MovImmediate(size == 8, ImmediateScratch, (ulong)(long)insn.Imm);
            value = ImmediateScratch;
        }
        _a.LoadStore(Bytes(size), LoadStoreOp.Store, value, rn, offset, OffsetScratch);
    }

    /// <summary>
    /// STX|ATOMIC: the region needs read and write rights (an InvalidWrite otherwise), then the address must be
    /// aligned; the operation is a load-exclusive/store-exclusive loop on [x10]. Fetch results of 32-bit
    /// forms are zero-extended (a W register write).
    /// <code>
    /// retry: ldaxr x11, [x10]; x12 = x11 op src; stlxr w13, x12, [x10]; cbnz w13, retry   [fetch: src = x11]
    /// xchg:    retry: ldaxr x11, [x10]; stlxr w13, src, [x10]; cbnz w13, retry; src = x11
    /// cmpxchg: retry: ldaxr x11, [x10]; cmp x11, r0; b.ne fail; stlxr w13, src, [x10]; cbnz w13, retry; b done
    ///          fail: clrex; done: r0 = x11
    /// </code>
    /// </summary>
    protected override void EmitAtomic(int pc, Instruction insn)
    {
        int size = insn.AccessSize == AccessSize.DW ? 8 : 4;
        bool wide = size == 8;
        var bytes = Bytes(size);
        var (rn, offset) = EmitRegionCheck(pc, insn.Dst, insn.Offset, size, Access.ReadWrite, FaultKind.InvalidWrite);
        if (rn != Address) _a.AddImmediate(true, Address, rn, offset, ImmediateScratch);
        _a.LogicalImmediate(true, LogicalOp.Ands, Arm64Assembler.Zr, Address, (ulong)(size - 1), ImmediateScratch); // tst
        _a.BCond(Condition.Ne, ExitStub(new ExitSite(FaultKind.MisalignedAtomic, pc, size)));

        int src = Reg(insn.Src), old = Temp1, next = Temp2, status = Temp3;
        var retry = _a.CreateLabel();
        _a.Bind(retry);
        _a.Emit(LoadStoreExclusive(bytes, true, true, Arm64Assembler.Zr, Address, old));
        switch (insn.Imm)
        {
            case AtomicOp.Xchg:
                _a.Emit(LoadStoreExclusive(bytes, false, true, status, Address, src));
                _a.Cbnz(false, status, retry);
                _a.Mov(wide, src, old);
                _a.Emit(Dmb(BarrierDomain.Ish));
                break;
            case AtomicOp.CmpXchg:
                int r0 = Reg(Isa.Register.R0);
                var fail = _a.CreateLabel();
                var done = _a.CreateLabel();
                _a.Compare(wide, old, r0);
                _a.BCond(Condition.Ne, fail);
                _a.Emit(LoadStoreExclusive(bytes, false, true, status, Address, src));
                _a.Cbnz(false, status, retry);
                _a.B(done);
                _a.Bind(fail);
                _a.Emit(Clrex());
                _a.Bind(done);
                _a.Mov(wide, r0, old);
                _a.Emit(Dmb(BarrierDomain.Ish));
                break;
            default:
                bool fetch = (insn.Imm & AtomicOp.Fetch) != 0;
                _a.Emit(AtomicOps[insn.Imm & ~AtomicOp.Fetch](wide, next, old, src));
                _a.Emit(LoadStoreExclusive(bytes, false, true, status, Address, next));
                _a.Cbnz(false, status, retry);
                if (fetch)
                {
                    _a.Mov(wide, src, old);
                    _a.Emit(Dmb(BarrierDomain.Ish));
                }
                break;
        }
    }

    private static AccessBytes Bytes(int size) => (AccessBytes)BitOperations.Log2((uint)size);

    /// <summary>
    /// Checks [base + off, + size) against the run's regions for <paramref name="access"/> (see the class
    /// comment) and returns how the access addresses memory: (x10, 0) after a check, (base, off) without one.
    /// </summary>
    private (int Base, int Offset) EmitRegionCheck(int pc, int baseRegister, short offset, int size, Access access, FaultKind kind)
    {
        if (!NeedsRegionCheck(pc, baseRegister, offset, size)) return (Reg(baseRegister), offset);
        int slot = NewCacheSlot();
        int limit = RegionEntry.LimitOffset(access, size);
        var miss = _a.CreateLabel();
        var resume = _a.CreateLabel();
        var fault = ExitStub(new ExitSite(kind, pc, size));
        LoadState(Scratch, slot);
        _a.AddImmediate(true, Address, Reg(baseRegister), offset, ImmediateScratch);
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, Temp1, Scratch, 0, OffsetScratch);
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, Temp2, Scratch, limit, OffsetScratch);
        _a.Emit(AddSubtractShiftedRegister(true, true, false, Shift.Lsl, Temp1, 0, Address, Temp1));
        _a.Compare(true, Temp1, Temp2);
        _a.BCond(Condition.Hs, miss);
        _a.Bind(resume);
        _cold.Add(() =>
        {
            _a.Bind(miss);
            _a.MovImmediate(false, Temp1, (uint)limit);
            _a.Bl(_scanRegions);
            _a.Cbz(true, Scratch, fault);
            StoreState(Scratch, slot);
            _a.B(resume);
        });
        return (Address, 0);
    }

    /// <summary>
    /// scan_regions: in x10 = address, x11 = limit offset; out x9 = the admitting entry, or 0.
    /// Uses x12..x14 besides; calls nothing (x30 holds its return address).
    /// </summary>
    private void EmitScanRegions()
    {
        Label next = _a.CreateLabel(), hit = _a.CreateLabel(), missed = _a.CreateLabel();
        _a.Bind(_scanRegions);
        LoadState(Scratch, RunState.RegionsBeginOffset);
        LoadState(Temp2, RunState.RegionsEndOffset);
        _a.Bind(next);
        _a.Compare(true, Scratch, Temp2);
        _a.BCond(Condition.Hs, missed);
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, Temp3, Scratch, 0, OffsetScratch);
        _a.Emit(LoadStoreRegisterRegisterOffset(AccessBytes.Double, LoadStoreOp.Load, Temp1, Extend.Lsl, false, Scratch, Temp4));
        _a.Emit(AddSubtractShiftedRegister(true, true, false, Shift.Lsl, Temp3, 0, Address, Temp3));
        _a.Compare(true, Temp3, Temp4);
        _a.BCond(Condition.Lo, hit);
        _a.AddImmediate(true, Scratch, Scratch, RegionEntry.Size, ImmediateScratch);
        _a.B(next);
        _a.Bind(missed);
        _a.Mov(true, Scratch, Arm64Assembler.Zr);
        _a.Bind(hit);
        _a.Ret();
    }
}
