namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>ARMv7-M condition codes (ARM ARM A7.3).</summary>
internal enum Condition : byte { Eq, Ne, Hs, Lo, Mi, Pl, Vs, Vc, Hi, Ls, Ge, Lt, Gt, Le, Al }

/// <summary>The shift types of an immediate or register shift (A7.4.2).</summary>
internal enum Shift : byte { Lsl, Lsr, Asr, Ror }

/// <summary>
/// The op field shared by "data-processing (modified immediate)" and "data-processing (shifted register)"
/// (A5.3.1, A5.3.11). CMP, CMN, TST, MOV and MVN are these with Rd or Rn = PC.
/// </summary>
internal enum DataOp : byte { And = 0, Bic = 1, Orr = 2, Orn = 3, Eor = 4, Add = 8, Adc = 10, Sbc = 11, Sub = 13, Rsb = 14 }

/// <summary>Byte, halfword or word for the single load/store encodings.</summary>
internal enum AccessWidth : byte { Byte = 0, Half = 1, Word = 2 }

/// <summary>
/// Instruction encodings of the ARMv7-M Architecture Reference Manual (DDI 0403), named after its
/// encoding classes and variants. A 32-bit instruction is returned as (first halfword &lt;&lt; 16) | second
/// halfword, the order in which both are stored; 16-bit ones as the halfword. Operand ranges are the
/// caller's business (<see cref="Thumb2Assembler"/> checks them).
/// </summary>
internal static class Thumb2Encoding
{
    public const int Sp = 13, Lr = 14, Pc = 15;

    private static uint Wide(uint first, uint second) => (first << 16) | second;

    // ---- data processing ----

    /// <summary>
    /// ThumbExpandImm's inverse (A5.3.2): the i:imm3:imm8 field for <paramref name="value"/>, if it is an
    /// 8-bit value, one of the three byte-replicated patterns, or an 8-bit value with its top bit set rotated.
    /// </summary>
    public static bool TryEncodeModifiedImmediate(uint value, out uint imm12)
    {
        uint b = value & 0xff;
        if (value == b) { imm12 = b; return true; }
        if (value == (b | (b << 16))) { imm12 = 0x100 | b; return true; }
        uint b1 = (value >> 8) & 0xff;
        if (value == ((b1 << 8) | (b1 << 24))) { imm12 = 0x200 | b1; return true; }
        if (value == b * 0x01010101u) { imm12 = 0x300 | b; return true; }
        for (int rotation = 8; rotation < 32; rotation++)
        {
            uint unrotated = (value << rotation) | (value >> (32 - rotation));
            if (unrotated is >= 0x80 and <= 0xff)
            {
                imm12 = ((uint)rotation << 7) | (unrotated & 0x7f);
                return true;
            }
        }
        imm12 = 0;
        return false;
    }

    /// <summary>Data-processing (modified immediate), encoding T1 of AND/BIC/ORR/ORN/EOR/ADD/ADC/SBC/SUB/RSB.</summary>
    public static uint DataModifiedImmediate(DataOp op, bool setFlags, int rn, int rd, uint imm12) => Wide(
        0xf000 | ((imm12 >> 11) << 10) | ((uint)op << 5) | (setFlags ? 1u << 4 : 0) | (uint)rn,
        (((imm12 >> 8) & 7) << 12) | ((uint)rd << 8) | (imm12 & 0xff));

    /// <summary>Data-processing (shifted register), encoding T2/T3 of the same operations: rd = rn op (rm shift amount).</summary>
    public static uint DataShiftedRegister(DataOp op, bool setFlags, int rn, int rd, int rm, Shift shift = Shift.Lsl, int amount = 0) => Wide(
        0xea00 | ((uint)op << 5) | (setFlags ? 1u << 4 : 0) | (uint)rn,
        ((uint)(amount >> 2) << 12) | ((uint)rd << 8) | ((uint)(amount & 3) << 6) | ((uint)shift << 4) | (uint)rm);

    /// <summary>Data-processing (plain binary immediate): ADDW and SUBW, encoding T4, a 12-bit unsigned immediate.</summary>
    public static uint AddSubtractWide(bool subtract, int rn, int rd, uint imm12) => Wide(
        0xf200 | ((imm12 >> 11) << 10) | (subtract ? 0xau << 4 : 0) | (uint)rn,
        (((imm12 >> 8) & 7) << 12) | ((uint)rd << 8) | (imm12 & 0xff));

    /// <summary>MOVW (MOV immediate, encoding T3) or MOVT (encoding T1): a 16-bit immediate into the low or high half.</summary>
    public static uint MoveWide(bool top, int rd, uint imm16) => Wide(
        0xf240 | (top ? 0x80u : 0) | (((imm16 >> 11) & 1) << 10) | (imm16 >> 12),
        (((imm16 >> 8) & 7) << 12) | ((uint)rd << 8) | (imm16 & 0xff));

    /// <summary>LSL/LSR/ASR/ROR (register), encoding T2: rd = rn shifted by the bottom byte of rm.</summary>
    public static uint ShiftRegister(Shift shift, bool setFlags, int rn, int rd, int rm) => Wide(
        0xfa00 | ((uint)shift << 5) | (setFlags ? 1u << 4 : 0) | (uint)rn,
        0xf000 | ((uint)rd << 8) | (uint)rm);

    /// <summary>SXTH, UXTH, SXTB, UXTB, encoding T2 (no rotation).</summary>
    public static uint Extend(bool signed, AccessWidth width, int rd, int rm) => Wide(
        0xfa0f | (width == AccessWidth.Byte ? 0x40u : 0) | (signed ? 0 : 0x10u),
        0xf080 | ((uint)rd << 8) | (uint)rm);

    /// <summary>REV (byte-reverse word) or REV16 (each halfword), encoding T2.</summary>
    public static uint Reverse(bool halves, int rd, int rm) => Wide(
        0xfa90 | (uint)rm,
        0xf080 | ((uint)rd << 8) | (halves ? 0x10u : 0) | (uint)rm);

    /// <summary>Multiply, multiply accumulate (A5.3.16): MLA (T1, rd = ra + rn * rm), MLS (T1, rd = ra - rn * rm); MUL is MLA with ra = PC.</summary>
    public static uint MultiplyAccumulate(bool subtract, int rn, int rd, int rm, int ra) => Wide(
        0xfb00 | (uint)rn,
        ((uint)ra << 12) | ((uint)rd << 8) | (subtract ? 0x10u : 0) | (uint)rm);

    /// <summary>UMULL, encoding T1: rdHi:rdLo = rn * rm.</summary>
    public static uint UnsignedMultiplyLong(int rdLo, int rdHi, int rn, int rm) => Wide(
        0xfba0 | (uint)rn,
        ((uint)rdLo << 12) | ((uint)rdHi << 8) | (uint)rm);

    /// <summary>SDIV or UDIV, encoding T1 (a zero divisor gives 0 while CCR.DIV_0_TRP is clear).</summary>
    public static uint Divide(bool signed, int rd, int rn, int rm) => Wide(
        (signed ? 0xfb90u : 0xfbb0u) | (uint)rn,
        0xf0f0 | ((uint)rd << 8) | (uint)rm);

    // ---- loads and stores ----

    /// <summary>LDR/LDRH/LDRB/LDRSH/LDRSB/STR/STRH/STRB (immediate) with a 12-bit positive offset: encodings T3 (word), T2 (byte, half), T1 (signed).</summary>
    public static uint LoadStoreImmediate12(bool load, AccessWidth width, bool signed, int rt, int rn, uint offset) => Wide(
        0xf880 | (signed ? 0x100u : 0) | ((uint)width << 5) | (load ? 0x10u : 0) | (uint)rn,
        ((uint)rt << 12) | offset);

    /// <summary>LDRD/STRD (immediate), encoding T1, offset form: a word-aligned offset of -1020..1020.</summary>
    public static uint LoadStoreDual(bool load, int rt, int rt2, int rn, int offset) => Wide(
        0xe940 | (offset >= 0 ? 0x80u : 0) | (load ? 0x10u : 0) | (uint)rn,
        ((uint)rt << 12) | ((uint)rt2 << 8) | (uint)(Math.Abs(offset) >> 2));

    /// <summary>LDM/STM (increment after) and STMDB/LDMDB, encoding T2; PUSH.W is STMDB SP! and POP.W is LDMIA SP!.</summary>
    public static uint LoadStoreMultiple(bool load, bool decrementBefore, bool writeBack, int rn, ushort registers) => Wide(
        0xe800 | (decrementBefore ? 0x100u : 0x80u) | (writeBack ? 0x20u : 0) | (load ? 0x10u : 0) | (uint)rn,
        registers);

    /// <summary>LDREX, encoding T1, offset 0.</summary>
    public static uint LoadExclusive(int rt, int rn) => Wide(0xe850 | (uint)rn, ((uint)rt << 12) | 0xf00);

    /// <summary>STREX, encoding T1, offset 0: rd = 0 when the store happened.</summary>
    public static uint StoreExclusive(int rd, int rt, int rn) => Wide(0xe840 | (uint)rn, ((uint)rt << 12) | ((uint)rd << 8));

    // ---- branches and control ----

    /// <summary>B, encoding T4: ±16 MiB, <paramref name="offset"/> from the instruction's address + 4.</summary>
    public static uint BranchWide(int offset) => BranchWithJ(offset, 0x9000);

    /// <summary>BL, encoding T1: ±16 MiB.</summary>
    public static uint BranchLink(int offset) => BranchWithJ(offset, 0xd000);

    private static uint BranchWithJ(int offset, uint second)
    {
        uint s = (uint)(offset >> 24) & 1, i1 = (uint)(offset >> 23) & 1, i2 = (uint)(offset >> 22) & 1;
        uint j1 = ~(i1 ^ s) & 1, j2 = ~(i2 ^ s) & 1;
        return Wide(0xf000 | (s << 10) | ((uint)(offset >> 12) & 0x3ff),
            second | (j1 << 13) | (j2 << 11) | ((uint)(offset >> 1) & 0x7ff));
    }

    /// <summary>B&lt;c&gt;, encoding T3: ±1 MiB.</summary>
    public static uint BranchConditionalWide(Condition cond, int offset)
    {
        uint s = (uint)(offset >> 20) & 1, j2 = (uint)(offset >> 19) & 1, j1 = (uint)(offset >> 18) & 1;
        return Wide(0xf000 | (s << 10) | ((uint)cond << 6) | ((uint)(offset >> 12) & 0x3f),
            0x8000 | (j1 << 13) | (j2 << 11) | ((uint)(offset >> 1) & 0x7ff));
    }

    /// <summary>B&lt;c&gt;, encoding T1 (16-bit): -256..254.</summary>
    public static ushort BranchConditionalNarrow(Condition cond, int offset) => (ushort)(0xd000 | ((uint)cond << 8) | ((uint)(offset >> 1) & 0xff));

    /// <summary>B, encoding T2 (16-bit): -2048..2046.</summary>
    public static ushort BranchNarrow(int offset) => (ushort)(0xe000 | ((uint)(offset >> 1) & 0x7ff));

    /// <summary>BLX (register), encoding T1.</summary>
    public static ushort BranchLinkExchange(int rm) => (ushort)(0x4780 | (rm << 3));

    /// <summary>BX, encoding T1.</summary>
    public static ushort BranchExchange(int rm) => (ushort)(0x4700 | (rm << 3));

    /// <summary>IT, encoding T1, one conditional instruction.</summary>
    public static ushort IfThen(Condition cond) => (ushort)(0xbf08 | ((uint)cond << 4));

    /// <summary>ADD (register), encoding T2: rdn += rm, any registers (rm = PC reads the instruction's address + 4).</summary>
    public static ushort AddHighRegisters(int rdn, int rm) => (ushort)(0x4400 | ((rdn >> 3) << 7) | (rm << 3) | (rdn & 7));

    /// <summary>PUSH (T1) or POP (T1) of low registers plus LR (push) or PC (pop).</summary>
    public static ushort PushPopNarrow(bool pop, byte lowRegisters, bool linkOrPc) =>
        (ushort)((pop ? 0xbc00 : 0xb400) | (linkOrPc ? 0x100 : 0) | lowRegisters);

    /// <summary>MRS, encoding T1: rd = special register <paramref name="sysm"/>.</summary>
    public static uint MoveFromSpecial(int rd, int sysm) => Wide(0xf3ef, 0x8000 | ((uint)rd << 8) | (uint)sysm);

    /// <summary>MSR, encoding T1 (mask 0b10): special register <paramref name="sysm"/> = rn.</summary>
    public static uint MoveToSpecial(int sysm, int rn) => Wide(0xf380 | (uint)rn, 0x8800 | (uint)sysm);

    public const int Primask = 16;

    /// <summary>CPS, encoding T1, for PRIMASK: CPSID i masks interrupts, CPSIE i unmasks them.</summary>
    public static ushort ChangeProcessorState(bool disable) => (ushort)(disable ? 0xb672 : 0xb662);

    public const ushort Nop = 0xbf00;
}
