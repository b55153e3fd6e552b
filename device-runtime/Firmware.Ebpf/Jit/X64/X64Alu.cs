using Firmware.Ebpf.Isa;
using Iced.Intel;
using Instruction = Firmware.Ebpf.Isa.Instruction;
using X86 = Iced.Intel.Instruction;
using static Iced.Intel.AssemblerRegisters;
using static Firmware.Ebpf.Jit.X64.X64Registers;
using Register = Iced.Intel.Register;

namespace Firmware.Ebpf.Jit.X64;

/// <summary>
/// ALU and ALU64. 32-bit forms use 32-bit x86 operations, which zero the upper half as RFC 9669 asks;
/// x86 masks shift counts by 63 or 31 exactly as eBPF does. Division follows RFC 9669 without trapping:
/// x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0 (idiv traps on the last two).
/// </summary>
internal sealed partial class X64Compiler
{
    /// <summary>x86 encodings of a two-operand ALU op: register and immediate sources, 64 and 32 bits.</summary>
    private readonly record struct AluCodes(Code Reg64, Code Imm64, Code Reg32, Code Imm32)
    {
        public Code Reg(bool wide) => wide ? Reg64 : Reg32;
        public Code Imm(bool wide) => wide ? Imm64 : Imm32;
    }

    private static readonly Dictionary<AluOp, AluCodes> Binary = new()
    {
        [AluOp.Add] = new(Code.Add_rm64_r64, Code.Add_rm64_imm32, Code.Add_rm32_r32, Code.Add_rm32_imm32),
        [AluOp.Sub] = new(Code.Sub_rm64_r64, Code.Sub_rm64_imm32, Code.Sub_rm32_r32, Code.Sub_rm32_imm32),
        [AluOp.Or] = new(Code.Or_rm64_r64, Code.Or_rm64_imm32, Code.Or_rm32_r32, Code.Or_rm32_imm32),
        [AluOp.And] = new(Code.And_rm64_r64, Code.And_rm64_imm32, Code.And_rm32_r32, Code.And_rm32_imm32),
        [AluOp.Xor] = new(Code.Xor_rm64_r64, Code.Xor_rm64_imm32, Code.Xor_rm32_r32, Code.Xor_rm32_imm32),
        [AluOp.Mov] = new(Code.Mov_rm64_r64, Code.Mov_rm64_imm32, Code.Mov_rm32_r32, Code.Mov_rm32_imm32),
        // imul's immediate form has three operands: dst = dst * imm.
        [AluOp.Mul] = new(Code.Imul_r64_rm64, Code.Imul_r64_rm64_imm32, Code.Imul_r32_rm32, Code.Imul_r32_rm32_imm32),
    };

    /// <summary>Shifts: by an immediate, and by cl.</summary>
    private static readonly Dictionary<AluOp, AluCodes> Shifts = new()
    {
        [AluOp.Lsh] = new(Code.Shl_rm64_CL, Code.Shl_rm64_imm8, Code.Shl_rm32_CL, Code.Shl_rm32_imm8),
        [AluOp.Rsh] = new(Code.Shr_rm64_CL, Code.Shr_rm64_imm8, Code.Shr_rm32_CL, Code.Shr_rm32_imm8),
        [AluOp.Arsh] = new(Code.Sar_rm64_CL, Code.Sar_rm64_imm8, Code.Sar_rm32_CL, Code.Sar_rm32_imm8),
    };

    /// <summary>movsx by (64-bit destination, source width in bits).</summary>
    private static readonly Dictionary<(bool Wide, int Bits), Code> SignExtensions = new()
    {
        [(true, 8)] = Code.Movsx_r64_rm8,
        [(true, 16)] = Code.Movsx_r64_rm16,
        [(true, 32)] = Code.Movsxd_r64_rm32,
        [(false, 8)] = Code.Movsx_r32_rm8,
        [(false, 16)] = Code.Movsx_r32_rm16,
    };

    protected override void EmitAlu(Instruction insn)
    {
        bool wide = insn.Class == InstructionClass.Alu64;
        var dst = Operand(insn.Dst, wide);
        switch (insn.AluOp)
        {
            case AluOp.Lsh or AluOp.Rsh or AluOp.Arsh:
                EmitShift(Shifts[insn.AluOp], insn, wide);
                break;
            case AluOp.Neg:
                Emit(X86.Create(wide ? Code.Neg_rm64 : Code.Neg_rm32, dst));
                break;
            case AluOp.Div or AluOp.Mod:
                EmitDivision(insn, wide);
                break;
            case AluOp.End:
                EmitEnd(insn);
                break;
            case AluOp.Mov when insn.Source == OperandSource.X && insn.Offset != 0:
                Emit(X86.Create(SignExtensions[(wide, insn.Offset)], dst, View(insn.Src, insn.Offset / 8)));
                break;
            default:
                var codes = Binary[insn.AluOp];
                if (insn.Source == OperandSource.X)
                    Emit(X86.Create(codes.Reg(wide), dst, Operand(insn.Src, wide)));
                else if (insn.AluOp == AluOp.Mul)
                    Emit(X86.Create(codes.Imm(wide), dst, dst, insn.Imm));
                else
                    Emit(X86.Create(codes.Imm(wide), dst, insn.Imm));
                break;
        }
    }

    private void EmitShift(AluCodes codes, Instruction insn, bool wide)
    {
        var dst = Operand(insn.Dst, wide);
        if (insn.Source == OperandSource.X)
        {
            Mov(Register.ECX, R32(insn.Src));
            Emit(X86.Create(codes.Reg(wide), dst, Register.CL));
            return;
        }
        int count = insn.Imm & (wide ? 63 : 31);
        if (count != 0)
            Emit(X86.Create(codes.Imm(wide), dst, count));
        else if (!wide)
            Emit(X86.Create(Code.Mov_rm32_r32, dst, dst)); // nothing to shift, but the result is still zero-extended
    }

    /// <summary>le/be convert to a byte order and truncate to the width; bswap always swaps.</summary>
    private void EmitEnd(Instruction insn)
    {
        bool swap = insn.Class == InstructionClass.Alu64 || Semantics.EndSwaps(insn.Source);
        var r32 = R32(insn.Dst);
        switch (insn.Imm)
        {
            case 16:
                if (swap) Emit(X86.Create(Code.Rol_rm16_imm8, View(insn.Dst, 2), 8));
                Emit(X86.Create(Code.Movzx_r32_rm16, r32, View(insn.Dst, 2)));
                break;
            case 32:
                Emit(swap ? X86.Create(Code.Bswap_r32, r32) : X86.Create(Code.Mov_rm32_r32, r32, r32));
                break;
            default:
                if (swap) Emit(X86.Create(Code.Bswap_r64, R64(insn.Dst)));
                break;
        }
    }

    protected override void EmitLoadImmediate64(int register, ulong value)
    {
        var dst = R64(register);
        if (value <= uint.MaxValue)
            Emit(X86.Create(Code.Mov_r32_imm32, R32(register), (uint)value));
        else if ((long)value is >= int.MinValue and <= int.MaxValue)
            Emit(X86.Create(Code.Mov_rm64_imm32, dst, (int)(long)value));
        else
            Emit(X86.Create(Code.Mov_r64_imm64, dst, value));
    }

    /// <summary>
    /// div/mod/sdiv/smod. An immediate divisor is known: 0 and (signed) -1 give their results directly,
    /// anything else divides unchecked. A register divisor is tested, the special cases out of line:
    /// <code>
    /// rcx = divisor; r11 = rdx; push rax; rax = dst
    /// test rcx; jz on_zero                [signed: cmp rcx, -1; je on_minus_one]
    /// xor edx, edx | cqo; div | idiv rcx; rcx = rax (quotient) | rdx (remainder)
    /// join: pop rax; rdx = r11; dst = rcx
    /// </code>
    /// rax and rdx are r0 and r3: each is saved unless it is the destination.
    /// </summary>
    private void EmitDivision(Instruction insn, bool wide)
    {
        bool signed = insn.Offset == 1, remainder = insn.AluOp == AluOp.Mod;
        var dst = Operand(insn.Dst, wide);
        if (insn.Source == OperandSource.K && (insn.Imm == 0 || (signed && insn.Imm == -1)))
        {
            EmitSpecialResult(insn.Imm == 0 ? OnZero(remainder) : OnMinusOne(remainder), dst, dst);
            return;
        }
        var divisor = wide ? Register.RCX : Register.ECX;
        var quotient = wide ? Register.RAX : Register.EAX;
        var rest = wide ? Register.RDX : Register.EDX;
        if (insn.Source == OperandSource.K)
            Emit(X86.Create(wide ? Code.Mov_rm64_imm32 : Code.Mov_r32_imm32, divisor, insn.Imm));
        else
            Mov(divisor, Operand(insn.Src, wide));
        bool saveR0 = insn.Dst != InRax, saveR3 = insn.Dst != InRdx;
        if (saveR3) _a.mov(r11, rdx);
        if (saveR0)
        {
            _a.push(rax);
            Mov(quotient, dst); // the dividend, unless it is r0 and already in rax
        }

        var join = _a.CreateLabel();
        if (insn.Source == OperandSource.X)
        {
            Emit(X86.Create(wide ? Code.Test_rm64_r64 : Code.Test_rm32_r32, divisor, divisor));
            _a.jz(SpecialCase(OnZero(remainder), divisor, quotient, join));
            if (signed)
            {
                Emit(X86.Create(wide ? Code.Cmp_rm64_imm8 : Code.Cmp_rm32_imm8, divisor, -1));
                _a.je(SpecialCase(OnMinusOne(remainder), divisor, quotient, join));
            }
        }
        if (signed) Emit(X86.Create(wide ? Code.Cqo : Code.Cdq));
        else _a.xor(edx, edx);
        Emit(X86.Create(signed ? (wide ? Code.Idiv_rm64 : Code.Idiv_rm32) : (wide ? Code.Div_rm64 : Code.Div_rm32), divisor));
        Mov(divisor, remainder ? rest : quotient);
        _a.Label(ref join);
        if (saveR0) _a.pop(rax);
        if (saveR3) _a.mov(rdx, r11);
        Mov(dst, divisor);
    }

    /// <summary>What RFC 9669 gives where x86 would trap.</summary>
    private enum SpecialResult { Zero, Dividend, Negated }

    private static SpecialResult OnZero(bool remainder) => remainder ? SpecialResult.Dividend : SpecialResult.Zero;

    private static SpecialResult OnMinusOne(bool remainder) => remainder ? SpecialResult.Zero : SpecialResult.Negated;

    /// <summary>Cold code computing a special result into <paramref name="result"/>, then back to <paramref name="join"/>.</summary>
    private Label SpecialCase(SpecialResult kind, Register result, Register dividend, Label join)
    {
        var stub = _a.CreateLabel();
        _cold.Add(() =>
        {
            _a.Label(ref stub);
            EmitSpecialResult(kind, result, dividend);
            _a.jmp(join);
        });
        return stub;
    }

    /// <summary>result = 0, dividend or -dividend, at the width of the registers (32-bit writes zero-extend).</summary>
    private void EmitSpecialResult(SpecialResult kind, Register result, Register dividend)
    {
        if (kind == SpecialResult.Zero)
        {
            var low = result.IsGPR64() ? result - Register.RAX + Register.EAX : result;
            Emit(X86.Create(Code.Xor_rm32_r32, low, low));
            return;
        }
        if (result != dividend || !result.IsGPR64()) Mov(result, dividend);
        if (kind == SpecialResult.Negated) Emit(X86.Create(result.IsGPR64() ? Code.Neg_rm64 : Code.Neg_rm32, result));
    }

    /// <summary>A register move at the registers' width (both 64-bit or both 32-bit).</summary>
    private void Mov(Register dst, Register src) =>
        Emit(X86.Create(dst.IsGPR64() ? Code.Mov_rm64_r64 : Code.Mov_rm32_r32, dst, src));
}
