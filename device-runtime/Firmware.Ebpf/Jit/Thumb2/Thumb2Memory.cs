using Firmware.Ebpf.Jit.Assembly;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Registers;

namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// Loads, stores, atomics and lddw. The guest address goes to r0 (r1 its high word); an access the
/// verifier did not prove, and that is not r10 + a constant inside the current frame, calls the region
/// check routine first. Guest memory is accessed a word at a time (LDR/STR allow unaligned addresses on
/// ARMv7-M; LDRD/STRD do not), except by atomics, which require alignment anyway.
/// </summary>
public sealed partial class Thumb2Compiler
{
    private const int ReadRight = 1, WriteRight = 2;

    private static readonly Dictionary<AccessSize, (AccessWidth Width, int Bytes)> Widths = new()
    {
        [AccessSize.B] = (AccessWidth.Byte, 1),
        [AccessSize.H] = (AccessWidth.Half, 2),
        [AccessSize.W] = (AccessWidth.Word, 4),
        [AccessSize.DW] = (AccessWidth.Word, 8),
    };

    void IInstructionEmitter.EmitLoad(int pc, Instruction insn)
    {
        var (width, bytes) = Widths[insn.AccessSize];
        bool signed = insn.AccessMode == AccessMode.MemSx;
        EmitAddress(pc, insn.Src, insn.Offset, bytes, ReadRight, Thumb2Fault.Read);
        _a.Emit(LoadStoreImmediate12(true, width, signed && bytes < 4, DstLo, 0, 0));
        if (bytes == 8) _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, DstHi, 0, 4));
        else if (signed) _a.Emit(DataShiftedRegister(DataOp.Orr, false, Pc, DstHi, DstLo, Shift.Asr, 31));
        else _a.MovImmediate(DstHi, 0);
        StorePair(insn.Dst, DstLo, DstHi);
    }

    void IInstructionEmitter.EmitStore(int pc, Instruction insn)
    {
        var (width, bytes) = Widths[insn.AccessSize];
        EmitAddress(pc, insn.Dst, insn.Offset, bytes, WriteRight, Thumb2Fault.Write);
        if (insn.Class == InstructionClass.St) LoadConstant(SrcLo, SrcHi, (ulong)(long)insn.Imm);
        else LoadPair(insn.Src, SrcLo, SrcHi);
        _a.Emit(LoadStoreImmediate12(false, width, false, SrcLo, 0, 0));
        if (bytes == 8) _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, SrcHi, 0, 4));
    }

    /// <summary>
    /// r0 = eBPF register <paramref name="baseRegister"/> + <paramref name="offset"/>, checked against the regions
    /// unless proven or a stack slot of the current frame. A failed check leaves with <paramref name="fault"/>.
    /// </summary>
    private void EmitAddress(int pc, int baseRegister, short offset, int bytes, int rights, Thumb2Fault fault)
    {
        bool frameSlot = baseRegister == Isa.Register.FramePointer && offset >= -ProgramInstance.StackFrameSize && offset + bytes <= 0;
        if (_proofs.IsProvenSafe(pc) || frameSlot)
        {
            LoadLow(baseRegister, 0);
            if (offset != 0) _a.DataImmediate(DataOp.Add, false, 0, 0, (uint)offset, Scratch);
            return;
        }
        _checks = true;
        LoadPair(baseRegister, 0, 1);
        if (offset != 0)
        {
            _a.DataImmediate(DataOp.Add, true, 0, 0, (uint)offset, Scratch);
            _a.DataImmediate(DataOp.Adc, false, 1, 1, offset < 0 ? uint.MaxValue : 0, Scratch);
        }
        _a.MovImmediate(2, (uint)bytes);
        _a.MovImmediate(3, (uint)rights);
        _a.Bl(_checkRegion);
        _a.BCond(Condition.Ne, FaultStub(fault, pc));
    }

    /// <summary>
    /// The region check routine. In: r0:r1 = address, r2 = size, r3 = rights needed. Out: Z set when the
    /// whole access lies in the eBPF stack or in one region granting the rights. Keeps r0 and r4-r11.
    /// </summary>
    private void EmitCheckRegion()
    {
        Label deny = _a.CreateLabel(), denyPop = _a.CreateLabel(), scan = _a.CreateLabel(), next = _a.CreateLabel(), allow = _a.CreateLabel();
        const ushort scanSaved = 1 << 4 | 1 << 5 | 1 << 6 | 1 << Lr;
        _a.Bind(_checkRegion);
        _a.CompareImmediate(1, 0, Scratch);
        _a.BCond(Condition.Ne, deny); // at or above 4 GiB
        _a.Emit(DataShiftedRegister(DataOp.Add, true, 0, 2, 2)); // r2 = end
        _a.BCond(Condition.Hs, deny); // wraps around
        _a.DataImmediate(DataOp.Add, false, Scratch, Registers, StackBase, Scratch);
        _a.Emit(DataShiftedRegister(DataOp.Sub, true, 0, Pc, Scratch));
        _a.BCond(Condition.Lo, scan);
        _a.DataImmediate(DataOp.Add, false, Scratch, Scratch, (uint)StackBytesOfFrames, Scratch);
        _a.Emit(DataShiftedRegister(DataOp.Sub, true, 2, Pc, Scratch));
        _a.BCond(Condition.Ls, allow);
        _a.Bind(scan);
        _a.Emit(LoadStoreMultiple(false, true, true, Sp, scanSaved));
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, Scratch, Env, EnvRegions));
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, 1, Env, EnvRegionCount));
        _a.Bind(next);
        _a.CompareImmediate(1, 0, 4);
        _a.BCond(Condition.Eq, denyPop);
        _a.Emit(LoadStoreMultiple(true, false, true, Scratch, 1 << 4 | 1 << 5 | 1 << 6)); // base, size, rights
        _a.DataImmediate(DataOp.Sub, false, 1, 1, 1, 4);
        _a.Emit(DataShiftedRegister(DataOp.Bic, true, 3, 6, 6)); // rights needed but not granted
        _a.BCond(Condition.Ne, next);
        _a.Emit(DataShiftedRegister(DataOp.Sub, true, 0, Pc, 4));
        _a.BCond(Condition.Lo, next); // starts below the base
        _a.Emit(DataShiftedRegister(DataOp.Sub, false, 2, 4, 4)); // end - base
        _a.Emit(DataShiftedRegister(DataOp.Sub, true, 4, Pc, 5));
        _a.BCond(Condition.Hi, next); // ends past base + size
        _a.Emit(LoadStoreMultiple(true, false, true, Sp, scanSaved));
        _a.Bind(allow);
        _a.Emit(DataShiftedRegister(DataOp.Sub, true, 0, Pc, 0)); // Z = 1
        _a.Emit(BranchExchange(Lr));
        _a.Bind(denyPop);
        _a.Emit(LoadStoreMultiple(true, false, true, Sp, scanSaved));
        _a.Bind(deny);
        _a.CompareImmediate(Sp, 0, Scratch); // Z = 0: sp is never 0
        _a.Emit(BranchExchange(Lr));
    }

    /// <summary>
    /// Atomics: region check (read and write), alignment check, then LDREX/STREX for 32 bits and a PRIMASK
    /// critical section for 64 bits (ARMv7-M has no 64-bit exclusives). Old values: r4 (r4:r5).
    /// </summary>
    void IInstructionEmitter.EmitAtomic(int pc, Instruction insn)
    {
        bool wide = insn.AccessSize == AccessSize.DW;
        int bytes = wide ? 8 : 4;
        EmitAddress(pc, insn.Dst, insn.Offset, bytes, ReadRight | WriteRight, Thumb2Fault.Write);
        _a.Emit(DataModifiedImmediate(DataOp.And, true, 0, Pc, (uint)bytes - 1)); // TST
        _a.BCond(Condition.Ne, FaultStub(Thumb2Fault.Alignment, pc));
        LoadPair(insn.Src, SrcLo, SrcHi);
        int op = insn.Imm;
        if (wide) EmitAtomic64(op);
        else EmitAtomic32(op);
        if (op == AtomicOp.CmpXchg) StorePair(Isa.Register.R0, DstLo, DstHi);
        else if ((op & AtomicOp.Fetch) != 0) StorePair(insn.Src, DstLo, DstHi);
    }

    private static readonly Dictionary<int, DataOp> AtomicOps = new()
    {
        [AtomicOp.Add] = DataOp.Add,
        [AtomicOp.Or] = DataOp.Orr,
        [AtomicOp.And] = DataOp.And,
        [AtomicOp.Xor] = DataOp.Eor,
    };

    /// <summary>[r0] op= r6 in an exclusive-access loop; the old value ends in r4, zero-extended into r5.</summary>
    private void EmitAtomic32(int op)
    {
        Label retry = _a.CreateLabel(), done = _a.CreateLabel();
        if (op == AtomicOp.CmpXchg) LoadLow(Isa.Register.R0, SrcHi);
        _a.Bind(retry);
        _a.Emit(LoadExclusive(DstLo, 0));
        int newValue = SrcLo;
        if (op == AtomicOp.CmpXchg)
        {
            _a.Emit(DataShiftedRegister(DataOp.Sub, true, DstLo, Pc, SrcHi));
            _a.BCond(Condition.Ne, done);
        }
        else if (op != AtomicOp.Xchg)
        {
            _a.Emit(DataShiftedRegister(AtomicOps[op & ~AtomicOp.Fetch], false, DstLo, 1, SrcLo));
            newValue = 1;
        }
        _a.Emit(StoreExclusive(2, newValue, 0));
        _a.CompareImmediate(2, 0, Scratch);
        _a.BCond(Condition.Ne, retry);
        _a.Bind(done);
        _a.MovImmediate(DstHi, 0);
    }

    /// <summary>[r0] op= r6:r7 with interrupts masked (PRIMASK restored as found); the old value ends in r4:r5.</summary>
    private void EmitAtomic64(int op)
    {
        _a.Emit(MoveFromSpecial(Scratch, Primask));
        _a.Emit(ChangeProcessorState(disable: true));
        _a.Emit(LoadStoreDual(true, DstLo, DstHi, 0, 0));
        if (op == AtomicOp.CmpXchg)
        {
            var skip = _a.CreateLabel();
            LoadPair(Isa.Register.R0, 2, 3);
            _a.Emit(DataShiftedRegister(DataOp.Sub, true, DstLo, Pc, 2));
            _a.Emit(IfThen(Condition.Eq));
            _a.Emit(DataShiftedRegister(DataOp.Sub, true, DstHi, Pc, 3));
            _a.BCond(Condition.Ne, skip);
            _a.Emit(LoadStoreDual(false, SrcLo, SrcHi, 0, 0));
            _a.Bind(skip);
        }
        else if (op == AtomicOp.Xchg)
            _a.Emit(LoadStoreDual(false, SrcLo, SrcHi, 0, 0));
        else
        {
            var pair = PairOps[(AluOp)(op & ~AtomicOp.Fetch)];
            _a.Emit(DataShiftedRegister(pair.Low, pair.Carry, DstLo, 2, SrcLo));
            _a.Emit(DataShiftedRegister(pair.High, false, DstHi, 3, SrcHi));
            _a.Emit(LoadStoreDual(false, 2, 3, 0, 0));
        }
        _a.Emit(MoveToSpecial(Primask, Scratch));
    }

    /// <summary>lddw: a constant, or a map's (or its value's) address the loader patches into the pool.</summary>
    void IInstructionEmitter.EmitLddw(int pc, Instruction first, Instruction second)
    {
        switch ((LddwKind)first.Src)
        {
            case LddwKind.Imm64:
                LoadConstant(DstLo, DstHi, first.Imm64(second));
                break;
            case LddwKind.MapByFd or LddwKind.MapByIndex:
                LoadLiteral(DstLo, Thumb2RelocationKind.Map, first.Imm);
                _a.MovImmediate(DstHi, 0);
                break;
            case LddwKind.MapValueByFd or LddwKind.MapValueByIndex:
                LoadLiteral(DstLo, Thumb2RelocationKind.MapValue, first.Imm);
                if (second.Imm != 0) _a.DataImmediate(DataOp.Add, false, DstLo, DstLo, (uint)second.Imm, Scratch);
                _a.MovImmediate(DstHi, 0);
                break;
            default:
                throw Unsupported(pc, $"lddw source {first.Src}");
        }
        StorePair(first.Dst, DstLo, DstHi);
    }
}
