using System.Numerics;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>Condition codes (the <c>cond</c> field), as the ARM ARM lists them. Flipping bit 0 negates one (but AL/NV).</summary>
internal enum Condition : uint
{
    Eq = 0b0000, Ne = 0b0001,
    Hs = 0b0010, Lo = 0b0011,
    Mi = 0b0100, Pl = 0b0101,
    Vs = 0b0110, Vc = 0b0111,
    Hi = 0b1000, Ls = 0b1001,
    Ge = 0b1010, Lt = 0b1011,
    Gt = 0b1100, Le = 0b1101,
    Al = 0b1110,
}

/// <summary>The <c>opc</c> field of "Logical (immediate)" and "Logical (shifted register)" (with N = 0 in the latter).</summary>
internal enum LogicalOp : uint { And = 0b00, Orr = 0b01, Eor = 0b10, Ands = 0b11 }

/// <summary>The <c>opc</c> field of "Move wide (immediate)".</summary>
internal enum MoveWideOp : uint { Movn = 0b00, Movz = 0b10, Movk = 0b11 }

/// <summary>The <c>opc</c> field of "Bitfield".</summary>
internal enum BitfieldOp : uint { Sbfm = 0b00, Bfm = 0b01, Ubfm = 0b10 }

/// <summary>The <c>shift</c> field of the shifted-register classes.</summary>
internal enum Shift : uint { Lsl = 0b00, Lsr = 0b01, Asr = 0b10, Ror = 0b11 }

/// <summary>The <c>opcode</c> field of "Data-processing (2 source)".</summary>
internal enum DataProcessing2 : uint { Udiv = 0b000010, Sdiv = 0b000011, Lslv = 0b001000, Lsrv = 0b001001, Asrv = 0b001010, Rorv = 0b001011 }

/// <summary>The <c>opcode</c> field of "Data-processing (1 source)" (opcode2 = 0). Rev32 is REV at sf = 0 and REV32 at sf = 1.</summary>
internal enum DataProcessing1 : uint { Rbit = 0b000000, Rev16 = 0b000001, Rev32 = 0b000010, Rev64 = 0b000011, Clz = 0b000100 }

/// <summary>The <c>op54:op31:o0</c> fields of "Data-processing (3 source)".</summary>
internal enum DataProcessing3 : uint { Madd = 0b00_000_0, Msub = 0b00_000_1, Smulh = 0b00_010_0, Umulh = 0b00_110_0 }

/// <summary>The <c>op:op2</c> fields of "Conditional select" (S = 0).</summary>
internal enum ConditionalSelectOp : uint { Csel = 0b0_00, Csinc = 0b0_01, Csinv = 0b1_00, Csneg = 0b1_01 }

/// <summary>The <c>opc</c> field of the "Load/store register" classes (V = 0): store, zero-extending load, sign-extending loads.</summary>
internal enum LoadStoreOp : uint { Store = 0b00, Load = 0b01, LoadSigned64 = 0b10, LoadSigned32 = 0b11 }

/// <summary>The <c>size</c> field of the load/store classes: log2 of the bytes moved.</summary>
internal enum AccessBytes : uint { Byte = 0b00, Half = 0b01, Word = 0b10, Double = 0b11 }

/// <summary>The <c>option</c> field of "Load/store register (register offset)".</summary>
internal enum Extend : uint { Uxtw = 0b010, Lsl = 0b011, Sxtw = 0b110, Sxtx = 0b111 }

/// <summary>The addressing of "Load/store register pair" (bits 24:23).</summary>
internal enum PairIndexing : uint { PostIndex = 0b01, SignedOffset = 0b10, PreIndex = 0b11 }

/// <summary>The <c>opc</c> field of "Unconditional branch (register)" (op2 = 11111, op3 = 0, op4 = 0).</summary>
internal enum BranchRegisterOp : uint { Br = 0b0000, Blr = 0b0001, Ret = 0b0010 }

/// <summary>The <c>CRm</c> domain/type field of DMB and DSB.</summary>
internal enum BarrierDomain : uint { Ish = 0b1011, IshSt = 0b1010, Sy = 0b1111 }

/// <summary>
/// A64 instruction encodings, one method per encoding class of the ARM Architecture Reference Manual
/// (section C4.1, "A64 instruction set encoding"), with the class's fields as parameters in the manual's
/// order, each checked against its width. Register numbers are 0..31; 31 is SP or ZR as the class says.
/// <c>sf</c> (here <c>wide</c>) selects the 64-bit form. Branch offsets are in bytes from the branch.
/// </summary>
internal static class Arm64Encoding
{
    // ---- Data processing -- immediate ----

    /// <summary>PC-rel. addressing: ADR (<paramref name="page"/> false, ±1 MiB) or ADRP (±4 GiB in pages).</summary>
    public static uint PcRelativeAddressing(bool page, long offset, int rd)
    {
        long imm = page ? offset >> 12 : offset;
        if (page && (offset & 0xfff) != 0) throw new ArgumentOutOfRangeException(nameof(offset), "ADRP offsets are whole pages");
        uint imm21 = Signed(imm, 21, nameof(offset));
        return Bit(page) << 31 | (imm21 & 3) << 29 | 0b10000u << 24 | (imm21 >> 2) << 5 | Reg(rd);
    }

    /// <summary>Add/subtract (immediate): ADD, ADDS, SUB, SUBS with a 12-bit immediate, optionally shifted left by 12. Rn and Rd 31 are SP (Rd is ZR for ADDS/SUBS).</summary>
    public static uint AddSubtractImmediate(bool wide, bool subtract, bool setFlags, uint imm12, bool shift12, int rn, int rd) =>
        Bit(wide) << 31 | Bit(subtract) << 30 | Bit(setFlags) << 29 | 0b100010u << 23 | Bit(shift12) << 22
        | Field(imm12, 12, nameof(imm12)) << 10 | Reg(rn) << 5 | Reg(rd);

    /// <summary>Logical (immediate): AND, ORR, EOR, ANDS with a bitmask immediate (<see cref="TryEncodeBitmask"/>). Rd 31 is SP (ZR for ANDS).</summary>
    public static uint LogicalImmediate(bool wide, LogicalOp opc, uint n, uint immr, uint imms, int rn, int rd)
    {
        if (!wide && n != 0) throw new ArgumentOutOfRangeException(nameof(n), "N must be 0 in the 32-bit form");
        return Bit(wide) << 31 | (uint)opc << 29 | 0b100100u << 23 | Field(n, 1, nameof(n)) << 22
            | Field(immr, 6, nameof(immr)) << 16 | Field(imms, 6, nameof(imms)) << 10 | Reg(rn) << 5 | Reg(rd);
    }

    /// <summary>Move wide (immediate): MOVN, MOVZ, MOVK of a 16-bit immediate at halfword <paramref name="hw"/>.</summary>
    public static uint MoveWideImmediate(bool wide, MoveWideOp opc, int hw, uint imm16, int rd)
    {
        if (hw < 0 || hw > (wide ? 3 : 1)) throw new ArgumentOutOfRangeException(nameof(hw));
        return Bit(wide) << 31 | (uint)opc << 29 | 0b100101u << 23 | (uint)hw << 21 | Field(imm16, 16, nameof(imm16)) << 5 | Reg(rd);
    }

    /// <summary>Bitfield: SBFM, BFM, UBFM (the aliases ASR, LSL, LSR, SXTB, UXTH, ... by immr and imms). N = sf.</summary>
    public static uint Bitfield(bool wide, BitfieldOp opc, uint immr, uint imms, int rn, int rd)
    {
        int bits = wide ? 6 : 5;
        return Bit(wide) << 31 | (uint)opc << 29 | 0b100110u << 23 | Bit(wide) << 22
            | Field(immr, bits, nameof(immr)) << 16 | Field(imms, bits, nameof(imms)) << 10 | Reg(rn) << 5 | Reg(rd);
    }

    // ---- Branches, exception generating and system instructions ----

    /// <summary>Conditional branch (immediate): B.cond, ±1 MiB.</summary>
    public static uint ConditionalBranchImmediate(long offset, Condition cond) =>
        0b0101010_0u << 24 | Signed(Words(offset), 19, nameof(offset)) << 5 | (uint)cond;

    /// <summary>Unconditional branch (immediate): B, or BL with <paramref name="link"/>; ±128 MiB.</summary>
    public static uint UnconditionalBranchImmediate(bool link, long offset) =>
        Bit(link) << 31 | 0b00101u << 26 | Signed(Words(offset), 26, nameof(offset));

    /// <summary>Unconditional branch (register): BR, BLR, RET.</summary>
    public static uint UnconditionalBranchRegister(BranchRegisterOp opc, int rn) =>
        0b1101011u << 25 | (uint)opc << 21 | 0b11111u << 16 | Reg(rn) << 5;

    /// <summary>Compare and branch (immediate): CBZ, or CBNZ with <paramref name="nonZero"/>; ±1 MiB.</summary>
    public static uint CompareAndBranchImmediate(bool wide, bool nonZero, long offset, int rt) =>
        Bit(wide) << 31 | 0b011010u << 25 | Bit(nonZero) << 24 | Signed(Words(offset), 19, nameof(offset)) << 5 | Reg(rt);

    /// <summary>Test and branch (immediate): TBZ, or TBNZ with <paramref name="nonZero"/>, on bit <paramref name="bit"/>; ±32 KiB.</summary>
    public static uint TestAndBranchImmediate(int bit, bool nonZero, long offset, int rt)
    {
        uint b = Field((uint)bit, 6, nameof(bit));
        return (b >> 5) << 31 | 0b011011u << 25 | Bit(nonZero) << 24 | (b & 31) << 19
            | Signed(Words(offset), 14, nameof(offset)) << 5 | Reg(rt);
    }

    /// <summary>Barriers: CLREX (op2 010), DSB (100), DMB (101), ISB (110), with <paramref name="crm"/> the domain.</summary>
    public static uint Barriers(uint op2, uint crm) =>
        0b1101010100_0_00_011_0011u << 12 | Field(crm, 4, nameof(crm)) << 8 | Field(op2, 3, nameof(op2)) << 5 | 0b11111u;

    public static uint Dmb(BarrierDomain domain) => Barriers(0b101, (uint)domain);

    public static uint Dsb(BarrierDomain domain) => Barriers(0b100, (uint)domain);

    public static uint Isb() => Barriers(0b110, 0b1111);

    public static uint Clrex() => Barriers(0b010, 0b1111);

    // ---- Loads and stores ----

    /// <summary>Load/store register (unsigned immediate): LDR/STR and the byte, halfword and sign-extending forms at [Rn + imm12 * size].</summary>
    public static uint LoadStoreRegisterUnsignedImmediate(AccessBytes size, LoadStoreOp opc, uint imm12, int rn, int rt) =>
        (uint)size << 30 | 0b111_0_01u << 24 | (uint)opc << 22 | Field(imm12, 12, nameof(imm12)) << 10 | Reg(rn) << 5 | Reg(rt);

    /// <summary>Load/store register (unscaled immediate): LDUR/STUR and friends at [Rn + simm9].</summary>
    public static uint LoadStoreRegisterUnscaledImmediate(AccessBytes size, LoadStoreOp opc, int imm9, int rn, int rt) =>
        (uint)size << 30 | 0b111_0_00u << 24 | (uint)opc << 22 | Signed(imm9, 9, nameof(imm9)) << 12 | Reg(rn) << 5 | Reg(rt);

    /// <summary>Load/store register (register offset): [Rn + extend(Rm) &lt;&lt; (scaled ? size : 0)].</summary>
    public static uint LoadStoreRegisterRegisterOffset(AccessBytes size, LoadStoreOp opc, int rm, Extend option, bool scaled, int rn, int rt) =>
        (uint)size << 30 | 0b111_0_00u << 24 | (uint)opc << 22 | 1u << 21 | Reg(rm) << 16 | (uint)option << 13
        | Bit(scaled) << 12 | 0b10u << 10 | Reg(rn) << 5 | Reg(rt);

    /// <summary>Load/store register pair (post-indexed, signed offset, pre-indexed), 64-bit registers: STP/LDP at [Rn + imm7 * 8].</summary>
    public static uint LoadStoreRegisterPair(PairIndexing indexing, bool load, int imm7, int rt2, int rn, int rt) =>
        0b10u << 30 | 0b101_0u << 26 | (uint)indexing << 23 | Bit(load) << 22 | Signed(imm7, 7, nameof(imm7)) << 15
        | Reg(rt2) << 10 | Reg(rn) << 5 | Reg(rt);

    /// <summary>
    /// Load/store exclusive register: LDXR/LDAXR (<paramref name="load"/>; Rs = 31) and STXR/STLXR (status in Rs);
    /// <paramref name="ordered"/> is o0 (acquire for loads, release for stores).
    /// </summary>
    public static uint LoadStoreExclusive(AccessBytes size, bool load, bool ordered, int rs, int rn, int rt) =>
        (uint)size << 30 | 0b001000u << 24 | Bit(load) << 22 | Reg(rs) << 16 | Bit(ordered) << 15 | 0b11111u << 10
        | Reg(rn) << 5 | Reg(rt);

    // ---- Data processing -- register ----

    /// <summary>Data-processing (2 source): UDIV, SDIV, LSLV, LSRV, ASRV, RORV.</summary>
    public static uint DataProcessing2Source(bool wide, DataProcessing2 opcode, int rm, int rn, int rd) =>
        Bit(wide) << 31 | 0b0_0_11010110u << 21 | Reg(rm) << 16 | (uint)opcode << 10 | Reg(rn) << 5 | Reg(rd);

    /// <summary>Data-processing (1 source): RBIT, REV16, REV (32-bit) / REV32 (64-bit), REV (64-bit), CLZ.</summary>
    public static uint DataProcessing1Source(bool wide, DataProcessing1 opcode, int rn, int rd)
    {
        if (opcode == DataProcessing1.Rev64 && !wide) throw new ArgumentException("REV of 64 bits needs sf = 1", nameof(opcode));
        return Bit(wide) << 31 | 0b1_0_11010110u << 21 | (uint)opcode << 10 | Reg(rn) << 5 | Reg(rd);
    }

    /// <summary>Logical (shifted register): AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (<paramref name="invert"/> is N). 31 is ZR.</summary>
    public static uint LogicalShiftedRegister(bool wide, LogicalOp opc, Shift shift, bool invert, int rm, uint imm6, int rn, int rd) =>
        Bit(wide) << 31 | (uint)opc << 29 | 0b01010u << 24 | (uint)shift << 22 | Bit(invert) << 21 | Reg(rm) << 16
        | Field(imm6, wide ? 6 : 5, nameof(imm6)) << 10 | Reg(rn) << 5 | Reg(rd);

    /// <summary>Add/subtract (shifted register): ADD, ADDS, SUB, SUBS (CMP, NEG, ...). 31 is ZR.</summary>
    public static uint AddSubtractShiftedRegister(bool wide, bool subtract, bool setFlags, Shift shift, int rm, uint imm6, int rn, int rd)
    {
        if (shift == Shift.Ror) throw new ArgumentException("ROR is reserved for add/subtract", nameof(shift));
        return Bit(wide) << 31 | Bit(subtract) << 30 | Bit(setFlags) << 29 | 0b01011u << 24 | (uint)shift << 22
            | Reg(rm) << 16 | Field(imm6, wide ? 6 : 5, nameof(imm6)) << 10 | Reg(rn) << 5 | Reg(rd);
    }

    /// <summary>Conditional select: CSEL, CSINC, CSINV, CSNEG.</summary>
    public static uint ConditionalSelect(bool wide, ConditionalSelectOp op, int rm, Condition cond, int rn, int rd) =>
        Bit(wide) << 31 | ((uint)op >> 2) << 30 | 0b11010100u << 21 | Reg(rm) << 16 | (uint)cond << 12
        | ((uint)op & 3) << 10 | Reg(rn) << 5 | Reg(rd);

    /// <summary>Data-processing (3 source): MADD, MSUB (Rd = Ra ± Rn * Rm), SMULH, UMULH.</summary>
    public static uint DataProcessing3Source(bool wide, DataProcessing3 op, int rm, int ra, int rn, int rd)
    {
        uint fields = (uint)op;
        return Bit(wide) << 31 | (fields >> 4) << 29 | 0b11011u << 24 | ((fields >> 1) & 7) << 21 | Reg(rm) << 16
            | (fields & 1) << 15 | Reg(ra) << 10 | Reg(rn) << 5 | Reg(rd);
    }

    // ---- Immediates ----

    /// <summary>
    /// The (N, immr, imms) of a bitmask immediate (the logical-immediate classes): a rotated run of ones in an
    /// element of 2, 4, ..., 64 bits, repeated across the register. 0 and all-ones have no encoding. In the
    /// 32-bit form only the low 32 bits of <paramref name="value"/> count.
    /// </summary>
    public static bool TryEncodeBitmask(ulong value, bool wide, out uint n, out uint immr, out uint imms)
    {
        n = immr = imms = 0;
        if (!wide) value = (uint)value | (ulong)(uint)value << 32;
        if (value == 0 || value == ulong.MaxValue) return false;
        // The smallest element size that repeats.
        int size = 64;
        while (size > 2)
        {
            int half = size / 2;
            ulong mask = (1UL << half) - 1;
            if ((value & mask) != ((value >> half) & mask)) break;
            size = half;
        }
        ulong elementMask = size == 64 ? ulong.MaxValue : (1UL << size) - 1;
        ulong element = value & elementMask;
        int ones = BitOperations.PopCount(element);
        ulong run = (1UL << ones) - 1; // ones < size, so no overflow
        for (int rotation = 0; rotation < size; rotation++)
        {
            // Decoding gives ROR(run, immr) within the element.
            ulong rotated = rotation == 0 ? run : ((run >> rotation) | (run << (size - rotation))) & elementMask;
            if (rotated != element) continue;
            n = size == 64 ? 1u : 0u;
            immr = (uint)rotation;
            imms = ((~((uint)size - 1) << 1) & 0x3f) | (uint)(ones - 1);
            return true;
        }
        return false;
    }

    // ---- fields ----

    private static uint Bit(bool value) => value ? 1u : 0u;

    private static uint Reg(int register) => (uint)register <= 31
        ? (uint)register
        : throw new ArgumentOutOfRangeException(nameof(register), $"register {register} is not 0..31");

    private static uint Field(uint value, int bits, string name) => value < 1u << bits
        ? value
        : throw new ArgumentOutOfRangeException(name, $"{value} does not fit {bits} bits");

    private static uint Signed(long value, int bits, string name)
    {
        long limit = 1L << (bits - 1);
        if (value < -limit || value >= limit) throw new ArgumentOutOfRangeException(name, $"{value} does not fit {bits} signed bits");
        return (uint)(value & ((1L << bits) - 1));
    }

    private static long Words(long offset) => (offset & 3) == 0
        ? offset >> 2
        : throw new ArgumentOutOfRangeException(nameof(offset), $"branch offset {offset} is not a multiple of 4");

    /// <summary>Whether a branch of this many offset bits (in words) reaches <paramref name="offset"/> bytes.</summary>
    public static bool Reaches(long offset, int bits) => offset >> 2 >= -(1L << (bits - 1)) && offset >> 2 < 1L << (bits - 1);
}
