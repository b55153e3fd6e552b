using Firmware.Ebpf.Isa;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;
using static Firmware.Ebpf.Jit.Arm64.Arm64Registers;
using Instruction = Firmware.Ebpf.Isa.Instruction;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>
/// ALU and ALU64. The 32-bit forms use W registers, whose writes zero the upper half as RFC 9669 asks;
/// LSLV/LSRV/ASRV take the count modulo the width exactly as eBPF masks it. Division needs no special
/// case: UDIV/SDIV give 0 for a zero divisor and INT_MIN for INT_MIN / -1 without trapping, which is
/// RFC 9669's x / 0 = 0 and INT_MIN / -1 = INT_MIN; the remainder x - (x / y) * y (MSUB) then gives
/// x % 0 = x and INT_MIN % -1 = 0. Immediates the instruction cannot hold go through x16.
/// </summary>
internal sealed partial class Arm64Compiler
{
    /// <summary>Register forms by eBPF op: the logical-class ops and the shift-by-register ops.</summary>
    private static readonly Dictionary<AluOp, LogicalOp> LogicalOps = new()
    {
        [AluOp.Or] = LogicalOp.Orr,
        [AluOp.And] = LogicalOp.And,
        [AluOp.Xor] = LogicalOp.Eor,
    };

    private static readonly Dictionary<AluOp, DataProcessing2> ShiftOps = new()
    {
        [AluOp.Lsh] = DataProcessing2.Lslv,
        [AluOp.Rsh] = DataProcessing2.Lsrv,
        [AluOp.Arsh] = DataProcessing2.Asrv,
    };

    protected override void EmitAlu(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Alu64, k = insn.Source == OperandSource.K;
        int dst = Reg(insn.Dst), src = Reg(insn.Src);
        // The immediate as the operation sees it: sign-extended to 64 bits, or the 32-bit value.
        ulong imm = wide ? (ulong)(long)insn.Imm : (uint)insn.Imm;
        switch (insn.AluOp)
        {
            case AluOp.Add or AluOp.Sub:
                bool subtract = insn.AluOp == AluOp.Sub;
                if (k)
                    _a.AddImmediate(wide, dst, dst, subtract ? -(long)insn.Imm : insn.Imm, ImmediateScratch);
                else
                    _a.Emit(AddSubtractShiftedRegister(wide, subtract, false, Shift.Lsl, src, 0, dst, dst));
                break;
            case AluOp.Mul:
                _a.Emit(DataProcessing3Source(wide, DataProcessing3.Madd, Operand(k, wide, imm, src), Arm64Assembler.Zr, dst, dst));
                break;
            case AluOp.Div:
                _a.Emit(DataProcessing2Source(wide, Divide(insn), Operand(k, wide, imm, src), dst, dst));
                break;
            case AluOp.Mod:
                int divisor = Operand(k, wide, imm, src);
                _a.Emit(DataProcessing2Source(wide, Divide(insn), divisor, dst, Temp1));
                _a.Emit(DataProcessing3Source(wide, DataProcessing3.Msub, divisor, dst, Temp1, dst)); // dst - quotient * divisor
                break;
            case AluOp.Or or AluOp.And or AluOp.Xor:
                if (k)
                    _a.LogicalImmediate(wide, LogicalOps[insn.AluOp], dst, dst, imm, ImmediateScratch);
                else
                    _a.Emit(LogicalShiftedRegister(wide, LogicalOps[insn.AluOp], Shift.Lsl, false, src, 0, dst, dst));
                break;
            case AluOp.Lsh or AluOp.Rsh or AluOp.Arsh:
                if (k)
                    EmitShiftImmediate(insn.AluOp, wide, dst, insn.Imm & (wide ? 63 : 31));
                else
                    _a.Emit(DataProcessing2Source(wide, ShiftOps[insn.AluOp], src, dst, dst));
                break;
            case AluOp.Neg:
                _a.Emit(AddSubtractShiftedRegister(wide, true, false, Shift.Lsl, dst, 0, Arm64Assembler.Zr, dst));
                break;
            case AluOp.Mov when k:
                _a.MovImmediate(wide, dst, imm);
                break;
            case AluOp.Mov when insn.Offset != 0: // movsx: SXTB, SXTH, SXTW
                _a.Emit(Bitfield(wide, BitfieldOp.Sbfm, 0, (uint)insn.Offset - 1, src, dst));
                break;
            case AluOp.Mov:
                _a.Mov(wide, dst, src);
                break;
            default: // End: the decoder admits nothing else
                EmitEnd(insn, dst);
                break;
        }
    }

    /// <summary>The register holding the second operand: the source register, or x16 loaded with the immediate.</summary>
    private int Operand(bool k, bool wide, ulong imm, int src)
    {
        if (!k) return src;
        _a.MovImmediate(wide, ImmediateScratch, imm);
        return ImmediateScratch;
    }

    private static DataProcessing2 Divide(Instruction insn) => insn.Offset == 1 ? DataProcessing2.Sdiv : DataProcessing2.Udiv;

    /// <summary>LSL, LSR, ASR by a constant: the UBFM/SBFM aliases. A 32-bit shift by 0 still zero-extends.</summary>
    private void EmitShiftImmediate(AluOp op, bool wide, int dst, int count)
    {
        uint size = wide ? 64u : 32u, shift = (uint)count;
        if (wide && count == 0) return;
        _a.Emit(op switch
        {
            AluOp.Lsh => Bitfield(wide, BitfieldOp.Ubfm, (size - shift) % size, size - 1 - shift, dst, dst),
            AluOp.Rsh => Bitfield(wide, BitfieldOp.Ubfm, shift, size - 1, dst, dst),
            _ => Bitfield(wide, BitfieldOp.Sbfm, shift, size - 1, dst, dst),
        });
    }

    /// <summary>le/be convert to a byte order and truncate to the width; bswap always swaps.</summary>
    private void EmitEnd(Instruction insn, int dst)
    {
        bool swap = insn.Class == InstructionClass.Alu64 || Semantics.EndSwaps(insn.Source);
        switch (insn.Imm)
        {
            case 16:
                if (swap) _a.Emit(DataProcessing1Source(false, DataProcessing1.Rev16, dst, dst));
                _a.Emit(Bitfield(false, BitfieldOp.Ubfm, 0, 15, dst, dst)); // UXTH
                break;
            case 32:
                if (swap) _a.Emit(DataProcessing1Source(false, DataProcessing1.Rev32, dst, dst));
                else _a.Mov(false, dst, dst);
                break;
            default:
                if (swap) _a.Emit(DataProcessing1Source(true, DataProcessing1.Rev64, dst, dst));
                break;
        }
    }

    protected override void EmitLoadImmediate64(int register, ulong value) => _a.MovImmediate(true, Reg(register), value);
}
