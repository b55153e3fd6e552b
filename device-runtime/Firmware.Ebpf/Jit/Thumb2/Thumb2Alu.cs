using Firmware.Ebpf.Isa;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Registers;

namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// ALU and ALU64 on register pairs: dst in r4:r5, the source (or the immediate, sign-extended) in r6:r7.
/// ALU32 works on the low words and stores a zero high word. Shifts mask their count (&amp; 63, &amp; 31) as
/// the interpreter does; 64-bit division and modulo call the SDK's routines, 32-bit ones use UDIV/SDIV.
/// </summary>
public sealed partial class Thumb2Compiler
{
    /// <summary>The operations that are one instruction per word: low word, high word (with the carry), and whether the low word sets the carry.</summary>
    private static readonly Dictionary<AluOp, (DataOp Low, DataOp High, bool Carry)> PairOps = new()
    {
        [AluOp.Add] = (DataOp.Add, DataOp.Adc, true),
        [AluOp.Sub] = (DataOp.Sub, DataOp.Sbc, true),
        [AluOp.Or] = (DataOp.Orr, DataOp.Orr, false),
        [AluOp.And] = (DataOp.And, DataOp.And, false),
        [AluOp.Xor] = (DataOp.Eor, DataOp.Eor, false),
    };

    private static readonly Dictionary<AluOp, Thumb2Runtime> Division64 = new()
    {
        [AluOp.Div] = Thumb2Runtime.UnsignedDivide64,
        [AluOp.Mod] = Thumb2Runtime.UnsignedModulo64,
    };

    void IInstructionEmitter.EmitAlu(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Alu64, k = insn.Source == OperandSource.K;
        ulong imm = (ulong)(long)insn.Imm;
        switch (insn.AluOp)
        {
            case AluOp.Mov:
                EmitMove(insn, wide);
                return;
            case AluOp.End:
                EmitEnd(insn);
                return;
            case AluOp.Div or AluOp.Mod when wide:
                EmitDivision64(insn);
                return;
        }
        LoadPair(insn.Dst, DstLo, DstHi);
        if (insn.AluOp != AluOp.Neg)
        {
            if (k) LoadConstant(SrcLo, SrcHi, imm);
            else LoadPair(insn.Src, SrcLo, SrcHi);
        }
        if (wide) EmitAlu64(insn.AluOp, k ? imm : null);
        else EmitAlu32(insn);
        if (!wide) _a.MovImmediate(DstHi, 0);
        StorePair(insn.Dst, DstLo, DstHi);
    }

    /// <summary>r4:r5 op= r6:r7 (<paramref name="imm"/> is the constant r6:r7 hold, for shifts by a constant).</summary>
    private void EmitAlu64(AluOp op, ulong? imm)
    {
        if (PairOps.TryGetValue(op, out var pair))
        {
            _a.Emit(DataShiftedRegister(pair.Low, pair.Carry, DstLo, DstLo, SrcLo));
            _a.Emit(DataShiftedRegister(pair.High, false, DstHi, DstHi, SrcHi));
            return;
        }
        switch (op)
        {
            case AluOp.Mul:
                _a.Emit(MultiplyAccumulate(false, DstLo, Scratch, SrcHi, Pc));
                _a.Emit(MultiplyAccumulate(false, DstHi, Scratch, SrcLo, Scratch));
                _a.Emit(UnsignedMultiplyLong(DstLo, DstHi, DstLo, SrcLo));
                _a.Emit(DataShiftedRegister(DataOp.Add, false, DstHi, DstHi, Scratch));
                break;
            case AluOp.Neg:
                // hi = -hi - borrow, as hi - 2 hi - borrow (Thumb-2 has no RSC).
                _a.Emit(DataModifiedImmediate(DataOp.Rsb, true, DstLo, DstLo, 0));
                _a.Emit(DataShiftedRegister(DataOp.Sbc, false, DstHi, DstHi, DstHi, Shift.Lsl, 1));
                break;
            case AluOp.Lsh or AluOp.Rsh or AluOp.Arsh when imm is { } n:
                EmitShift64Constant(op, (int)(n & 63));
                break;
            case AluOp.Lsh or AluOp.Rsh or AluOp.Arsh:
                EmitShift64Register(op);
                break;
            default:
                throw new InvalidOperationException($"ALU64 op {op} has no Thumb-2 translation");
        }
    }

    private static readonly Dictionary<AluOp, Shift> Shifts = new()
    {
        [AluOp.Lsh] = Shift.Lsl,
        [AluOp.Rsh] = Shift.Lsr,
        [AluOp.Arsh] = Shift.Asr,
    };

    /// <summary>A 64-bit shift by a constant 0..63: the word the bits move into gets the other word's spill.</summary>
    private void EmitShift64Constant(AluOp op, int n)
    {
        if (n == 0) return;
        var shift = Shifts[op];
        // Left shifts fill the high word from the low one; right shifts the other way round.
        (int into, int from) = op == AluOp.Lsh ? (DstHi, DstLo) : (DstLo, DstHi);
        if (n < 32)
        {
            _a.Emit(DataShiftedRegister(DataOp.Orr, false, Pc, into, into, op == AluOp.Lsh ? Shift.Lsl : Shift.Lsr, n));
            _a.Emit(DataShiftedRegister(DataOp.Orr, false, into, into, from, op == AluOp.Lsh ? Shift.Lsr : Shift.Lsl, 32 - n));
            _a.Emit(DataShiftedRegister(DataOp.Orr, false, Pc, from, from, shift, n));
            return;
        }
        // An immediate LSR/ASR of 0 means 32: a shift by exactly 32 is a move.
        _a.Emit(DataShiftedRegister(DataOp.Orr, false, Pc, into, from, n == 32 ? Shift.Lsl : shift, n - 32));
        if (op == AluOp.Arsh) _a.Emit(DataShiftedRegister(DataOp.Orr, false, Pc, from, from, Shift.Asr, 31));
        else _a.MovImmediate(from, 0);
    }

    /// <summary>
    /// A 64-bit shift by r6 &amp; 63. Register shifts use the count's bottom byte, and a count of 32 or more
    /// (a negative one included) gives 0 (LSL, LSR) or the sign (ASR), so the three pieces need no branch;
    /// only ASR's spill into the low word needs the count >= 32 case (IT PL).
    /// </summary>
    private void EmitShift64Register(AluOp op)
    {
        _a.Emit(DataModifiedImmediate(DataOp.And, false, SrcLo, SrcLo, 63));
        _a.Emit(DataModifiedImmediate(DataOp.Rsb, false, SrcLo, 3, 32)); // 32 - n
        _a.Emit(DataModifiedImmediate(DataOp.Sub, true, SrcLo, Scratch, 32)); // n - 32, PL when n >= 32
        if (op == AluOp.Lsh)
        {
            _a.Emit(ShiftRegister(Shift.Lsl, false, DstHi, DstHi, SrcLo));
            _a.Emit(ShiftRegister(Shift.Lsl, false, DstLo, 2, Scratch));
            _a.Emit(DataShiftedRegister(DataOp.Orr, false, DstHi, DstHi, 2));
            _a.Emit(ShiftRegister(Shift.Lsr, false, DstLo, 2, 3));
            _a.Emit(DataShiftedRegister(DataOp.Orr, false, DstHi, DstHi, 2));
            _a.Emit(ShiftRegister(Shift.Lsl, false, DstLo, DstLo, SrcLo));
            return;
        }
        _a.Emit(ShiftRegister(Shift.Lsr, false, DstLo, DstLo, SrcLo));
        _a.Emit(ShiftRegister(Shift.Lsl, false, DstHi, 2, 3));
        _a.Emit(DataShiftedRegister(DataOp.Orr, false, DstLo, DstLo, 2));
        if (op == AluOp.Rsh)
        {
            _a.Emit(ShiftRegister(Shift.Lsr, false, DstHi, 2, Scratch));
            _a.Emit(DataShiftedRegister(DataOp.Orr, false, DstLo, DstLo, 2));
            _a.Emit(ShiftRegister(Shift.Lsr, false, DstHi, DstHi, SrcLo));
            return;
        }
        _a.Emit(IfThen(Condition.Pl));
        _a.Emit(ShiftRegister(Shift.Asr, false, DstHi, DstLo, Scratch));
        _a.Emit(ShiftRegister(Shift.Asr, false, DstHi, DstHi, SrcLo));
    }

    /// <summary>ALU32 on r4 with r6 (both low words).</summary>
    private void EmitAlu32(Instruction insn)
    {
        var op = insn.AluOp;
        if (PairOps.TryGetValue(op, out var pair))
        {
            _a.Emit(DataShiftedRegister(pair.Low, false, DstLo, DstLo, SrcLo));
            return;
        }
        bool signed = insn.Offset == 1;
        switch (op)
        {
            case AluOp.Mul:
                _a.Emit(MultiplyAccumulate(false, DstLo, DstLo, SrcLo, Pc));
                break;
            case AluOp.Neg:
                _a.Emit(DataModifiedImmediate(DataOp.Rsb, false, DstLo, DstLo, 0));
                break;
            case AluOp.Div:
                _a.Emit(Divide(signed, DstLo, DstLo, SrcLo));
                break;
            case AluOp.Mod:
                // a - (a / b) * b: a zero divisor gives quotient 0 and leaves a; INT_MIN % -1 gives 0.
                _a.Emit(Divide(signed, 0, DstLo, SrcLo));
                _a.Emit(MultiplyAccumulate(true, 0, DstLo, SrcLo, DstLo));
                break;
            case AluOp.Lsh or AluOp.Rsh or AluOp.Arsh:
                _a.Emit(DataModifiedImmediate(DataOp.And, false, SrcLo, SrcLo, 31));
                _a.Emit(ShiftRegister(Shifts[op], false, DstLo, DstLo, SrcLo));
                break;
            default:
                throw new InvalidOperationException($"ALU32 op {op} has no Thumb-2 translation");
        }
    }

    /// <summary>mov and movsx (offset 8, 16, 32 sign-extends the source's low bits).</summary>
    private void EmitMove(Instruction insn, bool wide)
    {
        if (insn.Source == OperandSource.K)
            LoadConstant(DstLo, DstHi, wide ? (ulong)(long)insn.Imm : (uint)insn.Imm);
        else if (wide && insn.Offset == 0)
            LoadPair(insn.Src, DstLo, DstHi);
        else
        {
            LoadLow(insn.Src, DstLo);
            if (insn.Offset is 8 or 16)
                _a.Emit(Extend(true, insn.Offset == 8 ? AccessWidth.Byte : AccessWidth.Half, DstLo, DstLo));
            if (wide) _a.Emit(DataShiftedRegister(DataOp.Orr, false, Pc, DstHi, DstLo, Shift.Asr, 31));
            else _a.MovImmediate(DstHi, 0);
        }
        StorePair(insn.Dst, DstLo, DstHi);
    }

    /// <summary>le/be/bswap: a byte swap of 16, 32 or 64 bits, or a zero-extension when no swap is needed.</summary>
    private void EmitEnd(Instruction insn)
    {
        bool swap = insn.Class == InstructionClass.Alu64 || Semantics.EndSwaps(insn.Source);
        LoadPair(insn.Dst, DstLo, DstHi);
        switch (insn.Imm)
        {
            case 16:
                if (swap) _a.Emit(Reverse(true, DstLo, DstLo));
                _a.Emit(Extend(false, AccessWidth.Half, DstLo, DstLo));
                _a.MovImmediate(DstHi, 0);
                break;
            case 32:
                if (swap) _a.Emit(Reverse(false, DstLo, DstLo));
                _a.MovImmediate(DstHi, 0);
                break;
            default:
                if (!swap) return;
                _a.Emit(Reverse(false, 0, DstLo));
                _a.Emit(Reverse(false, DstLo, DstHi));
                _a.Mov(DstHi, 0);
                break;
        }
        StorePair(insn.Dst, DstLo, DstHi);
    }

    /// <summary>64-bit div and mod: r0:r1 = dst, r2:r3 = the divisor, then the SDK routine (docs/thumb2-abi.md).</summary>
    private void EmitDivision64(Instruction insn)
    {
        LoadPair(insn.Dst, 0, 1);
        if (insn.Source == OperandSource.K) LoadConstant(2, 3, (ulong)(long)insn.Imm);
        else LoadPair(insn.Src, 2, 3);
        var routine = Division64[insn.AluOp] + (insn.Offset == 1 ? 2 : 0);
        LoadLiteral(Scratch, Thumb2RelocationKind.Runtime, (int)routine);
        _a.Emit(BranchLinkExchange(Scratch));
        StorePair(insn.Dst, 0, 1);
    }
}
