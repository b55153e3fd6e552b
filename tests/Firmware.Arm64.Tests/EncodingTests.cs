using CsCheck;
using Firmware.Ebpf.Jit.Arm64;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;

namespace Firmware.Arm64.Tests;

/// <summary>
/// Every encoding class of <see cref="Arm64Encoding"/> against LLVM's assembler: random operands (edges
/// favoured: 0, the largest immediates and offsets, register 31 as SP or ZR) written both as a call to our
/// encoder and as assembly text, all assembled in one llvm-mc run, compared word for word.
/// </summary>
public class EncodingTests
{
    /// <summary>One instruction: what LLVM is given and what our encoder produced.</summary>
    public sealed record Case(string Assembly, uint Word);

    private const int PerClass = 250;

    [Fact]
    public void Every_encoding_class_matches_llvm_mc_on_random_operands()
    {
        var cases = Classes.SelectMany(gen => gen.Array[PerClass].Single()).Concat(Edges).ToList();

        var expected = LlvmMc.Encode([.. cases.Select(c => c.Assembly)]);

        var mismatches = cases.Zip(expected)
            .Where(pair => pair.First.Word != pair.Second)
            .Select(pair => $"{pair.First.Assembly,-40} ours {pair.First.Word:x8}, llvm-mc {pair.Second:x8}")
            .ToList();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} differ:\n{string.Join('\n', mismatches.Take(30))}");
    }

    // ---- operands ----

    private static readonly Gen<int> Register = Gen.Frequency((6, Gen.Int[0, 30]), (1, Gen.Const(31)));
    private static readonly Gen<bool> Bool = Gen.Bool;

    /// <summary>Integers in [min, max] with the ends and zero favoured.</summary>
    private static Gen<int> Edge(int min, int max) => Gen.Frequency(
        (3, Gen.Int[min, max]), (1, Gen.OneOf(min, max, Math.Clamp(0, min, max), Math.Clamp(1, min, max), Math.Clamp(-1, min, max))));

    private static string X(int r, bool sp = false) => r == 31 ? (sp ? "sp" : "xzr") : $"x{r}";

    private static string W(int r, bool sp = false) => r == 31 ? (sp ? "wsp" : "wzr") : $"w{r}";

    private static string R(bool wide, int r, bool sp = false) => wide ? X(r, sp) : W(r, sp);

    private static readonly string[] ConditionNames = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"];
    private static readonly Gen<Condition> Cond = Gen.Int[0, 14].Select(c => (Condition)c);
    private static string Name(Condition c) => ConditionNames[(int)c];

    // ---- data processing, immediate ----

    private static readonly Gen<Case> AddSubtractImmediateCases = Gen.Select(Bool, Bool, Bool, Edge(0, 4095), Bool, Register, Register,
        (wide, subtract, flags, imm, shift, rn, rd) => new Case(
            $"{(subtract ? "sub" : "add")}{(flags ? "s" : "")} {R(wide, rd, !flags)}, {R(wide, rn, true)}, #{imm}{(shift ? ", lsl #12" : "")}",
            AddSubtractImmediate(wide, subtract, flags, (uint)imm, shift, rn, rd)));

    /// <summary>A valid bitmask immediate: a rotated run of ones in a 2..64-bit element, repeated.</summary>
    private static Gen<ulong> Bitmask(bool wide) => Gen.Int[1, wide ? 6 : 5].SelectMany(log =>
    {
        int size = 1 << log;
        return Gen.Select(Gen.Int[1, size - 1], Gen.Int[0, size - 1], (ones, rotation) =>
        {
            ulong mask = size == 64 ? ulong.MaxValue : (1UL << size) - 1;
            ulong run = (1UL << ones) - 1;
            ulong element = rotation == 0 ? run : ((run >> rotation) | (run << (size - rotation))) & mask;
            ulong value = 0;
            for (int at = 0; at < 64; at += size) value |= element << at;
            return wide ? value : value & 0xffffffff;
        });
    });

    private static readonly string[] LogicalNames = ["and", "orr", "eor", "ands"];

    private static readonly Gen<Case> LogicalImmediateCases = Bool.SelectMany(wide => Gen.Select(Gen.Int[0, 3], Bitmask(wide), Register, Register,
        (opc, value, rn, rd) =>
        {
            Assert.True(TryEncodeBitmask(value, wide, out uint n, out uint immr, out uint imms), $"no encoding found for 0x{value:x}");
            return new Case($"{LogicalNames[opc]} {R(wide, rd, opc != 3)}, {R(wide, rn)}, #0x{value:x}",
                LogicalImmediate(wide, (LogicalOp)opc, n, immr, imms, rn, rd));
        }));

    private static readonly Gen<Case> MoveWideCases = Gen.Select(Bool, Gen.OneOf(MoveWideOp.Movn, MoveWideOp.Movz, MoveWideOp.Movk), Gen.Int[0, 3],
        Edge(0, 0xffff), Register,
        (wide, opc, hw, imm, rd) =>
        {
            if (!wide) hw &= 1;
            return new Case($"{opc.ToString().ToLowerInvariant()} {R(wide, rd)}, #{imm}, lsl #{16 * hw}", MoveWideImmediate(wide, opc, hw, (uint)imm, rd));
        });

    private static readonly Gen<Case> BitfieldCases = Gen.Select(Bool, Gen.OneOf(BitfieldOp.Sbfm, BitfieldOp.Bfm, BitfieldOp.Ubfm),
        Edge(0, 63), Edge(0, 63), Register, Register,
        (wide, opc, immr, imms, rn, rd) =>
        {
            if (!wide) { immr &= 31; imms &= 31; }
            return new Case($"{opc.ToString().ToLowerInvariant()} {R(wide, rd)}, {R(wide, rn)}, #{immr}, #{imms}",
                Bitfield(wide, opc, (uint)immr, (uint)imms, rn, rd));
        });

    private static readonly Gen<Case> PcRelativeCases = Gen.Select(Bool, Edge(-(1 << 20), (1 << 20) - 1), Register,
        (page, offset, rd) => page
            ? new Case($"adrp {X(rd)}, #{(long)offset << 12}", PcRelativeAddressing(true, (long)offset << 12, rd))
            : new Case($"adr {X(rd)}, #{offset}", PcRelativeAddressing(false, offset, rd)));

    // ---- branches and system ----

    private static Gen<long> BranchOffset(int bits) => Edge(-(1 << (bits - 1)), (1 << (bits - 1)) - 1).Select(words => words * 4L);

    private static readonly Gen<Case> ConditionalBranchCases = Gen.Select(Cond, BranchOffset(19),
        (cond, offset) => new Case($"b.{Name(cond)} #{offset}", ConditionalBranchImmediate(offset, cond)));

    private static readonly Gen<Case> UnconditionalBranchCases = Gen.Select(Bool, BranchOffset(26),
        (link, offset) => new Case($"{(link ? "bl" : "b")} #{offset}", UnconditionalBranchImmediate(link, offset)));

    private static readonly Gen<Case> BranchRegisterCases = Gen.Select(Gen.OneOf(BranchRegisterOp.Br, BranchRegisterOp.Blr, BranchRegisterOp.Ret), Register,
        (op, rn) => new Case($"{op.ToString().ToLowerInvariant()} {X(rn)}", UnconditionalBranchRegister(op, rn)));

    private static readonly Gen<Case> CompareBranchCases = Gen.Select(Bool, Bool, BranchOffset(19), Register,
        (wide, nonZero, offset, rt) => new Case($"{(nonZero ? "cbnz" : "cbz")} {R(wide, rt)}, #{offset}", CompareAndBranchImmediate(wide, nonZero, offset, rt)));

    private static readonly Gen<Case> TestBranchCases = Gen.Select(Edge(0, 63), Bool, BranchOffset(14), Register,
        (bit, nonZero, offset, rt) => new Case($"{(nonZero ? "tbnz" : "tbz")} {R(bit >= 32, rt)}, #{bit}, #{offset}", TestAndBranchImmediate(bit, nonZero, offset, rt)));

    private static readonly Case[] BarrierCases =
    [
        new("dmb ish", Dmb(BarrierDomain.Ish)), new("dmb ishst", Dmb(BarrierDomain.IshSt)), new("dmb sy", Dmb(BarrierDomain.Sy)),
        new("dsb ish", Dsb(BarrierDomain.Ish)), new("dsb sy", Dsb(BarrierDomain.Sy)), new("isb", Isb()), new("clrex", Clrex()),
    ];

    // ---- loads and stores ----

    /// <summary>The allocated (size, opc) pairs of the load/store register classes, with both mnemonics and the width of Rt.</summary>
    private static readonly (AccessBytes Size, LoadStoreOp Op, string Scaled, string Unscaled, bool WideRt)[] LoadStores =
    [
        (AccessBytes.Byte, LoadStoreOp.Store, "strb", "sturb", false), (AccessBytes.Byte, LoadStoreOp.Load, "ldrb", "ldurb", false),
        (AccessBytes.Byte, LoadStoreOp.LoadSigned64, "ldrsb", "ldursb", true), (AccessBytes.Byte, LoadStoreOp.LoadSigned32, "ldrsb", "ldursb", false),
        (AccessBytes.Half, LoadStoreOp.Store, "strh", "sturh", false), (AccessBytes.Half, LoadStoreOp.Load, "ldrh", "ldurh", false),
        (AccessBytes.Half, LoadStoreOp.LoadSigned64, "ldrsh", "ldursh", true), (AccessBytes.Half, LoadStoreOp.LoadSigned32, "ldrsh", "ldursh", false),
        (AccessBytes.Word, LoadStoreOp.Store, "str", "stur", false), (AccessBytes.Word, LoadStoreOp.Load, "ldr", "ldur", false),
        (AccessBytes.Word, LoadStoreOp.LoadSigned64, "ldrsw", "ldursw", true),
        (AccessBytes.Double, LoadStoreOp.Store, "str", "stur", true), (AccessBytes.Double, LoadStoreOp.Load, "ldr", "ldur", true),
    ];

    private static readonly Gen<int> LoadStoreKind = Gen.Int[0, LoadStores.Length - 1];

    private static readonly Gen<Case> UnsignedImmediateCases = Gen.Select(LoadStoreKind, Edge(0, 4095), Register, Register, (kind, imm, rn, rt) =>
    {
        var (size, op, scaled, _, wideRt) = LoadStores[kind];
        return new Case($"{scaled} {R(wideRt, rt)}, [{X(rn, true)}, #{imm << (int)size}]",
            LoadStoreRegisterUnsignedImmediate(size, op, (uint)imm, rn, rt));
    });

    private static readonly Gen<Case> UnscaledImmediateCases = Gen.Select(LoadStoreKind, Edge(-256, 255), Register, Register, (kind, imm, rn, rt) =>
    {
        var (size, op, _, unscaled, wideRt) = LoadStores[kind];
        return new Case($"{unscaled} {R(wideRt, rt)}, [{X(rn, true)}, #{imm}]", LoadStoreRegisterUnscaledImmediate(size, op, imm, rn, rt));
    });

    private static readonly Gen<Case> RegisterOffsetCases = Gen.Select(LoadStoreKind, Gen.OneOf(Extend.Uxtw, Extend.Lsl, Extend.Sxtw, Extend.Sxtx), Bool,
        Register, Register, Register, (kind, option, scaled, rm, rn, rt) =>
        {
            var (size, op, mnemonic, _, wideRt) = LoadStores[kind];
            string index = option is Extend.Uxtw or Extend.Sxtw ? W(rm) : X(rm);
            string extend = (option, scaled) switch
            {
                (Extend.Lsl, false) => "",
                (Extend.Lsl, true) => $", lsl #{(int)size}",
                (_, false) => $", {option.ToString().ToLowerInvariant()}",
                _ => $", {option.ToString().ToLowerInvariant()} #{(int)size}",
            };
            return new Case($"{mnemonic} {R(wideRt, rt)}, [{X(rn, true)}, {index}{extend}]",
                LoadStoreRegisterRegisterOffset(size, op, rm, option, scaled, rn, rt));
        });

    private static readonly Gen<Case> PairCases = Gen.Select(Gen.OneOf(PairIndexing.PostIndex, PairIndexing.SignedOffset, PairIndexing.PreIndex), Bool,
        Edge(-64, 63), Gen.Int[0, 30], Gen.Int[0, 30], Register, (indexing, load, imm, rt, rt2, rn) =>
        {
            // Keep clear of the UNPREDICTABLE forms LLVM refuses: a load into one register twice, writeback onto a transfer register.
            if (load && rt2 == rt) rt2 = (rt + 1) % 31;
            if (indexing != PairIndexing.SignedOffset && (rn == rt || rn == rt2)) rn = 31;
            string address = indexing switch
            {
                PairIndexing.SignedOffset => $"[{X(rn, true)}, #{imm * 8}]",
                PairIndexing.PreIndex => $"[{X(rn, true)}, #{imm * 8}]!",
                _ => $"[{X(rn, true)}], #{imm * 8}",
            };
            return new Case($"{(load ? "ldp" : "stp")} {X(rt)}, {X(rt2)}, {address}", LoadStoreRegisterPair(indexing, load, imm, rt2, rn, rt));
        });

    private static readonly Gen<Case> ExclusiveCases = Gen.Select(Gen.Int[0, 3], Bool, Bool, Gen.Int[0, 30], Register, Gen.Int[0, 30],
        (size, load, ordered, rs, rn, rt) =>
        {
            string suffix = size switch { 0 => "b", 1 => "h", _ => "" };
            string data = R(size == 3, rt);
            if (load)
                return new Case($"ld{(ordered ? "a" : "")}xr{suffix} {data}, [{X(rn, true)}]",
                    LoadStoreExclusive((AccessBytes)size, true, ordered, 31, rn, rt));
            // The status register must differ from the data and address registers.
            if (rs == rt || rs == rn) rs = (Math.Max(rt, rn == 31 ? 0 : rn) + 1) % 31;
            if (rs == rt || rs == rn) rs = (rs + 1) % 31;
            return new Case($"st{(ordered ? "l" : "")}xr{suffix} {W(rs)}, {data}, [{X(rn, true)}]",
                LoadStoreExclusive((AccessBytes)size, false, ordered, rs, rn, rt));
        });

    // ---- data processing, register ----

    private static readonly Gen<Case> DataProcessing2Cases = Gen.Select(Bool,
        Gen.OneOf(DataProcessing2.Udiv, DataProcessing2.Sdiv, DataProcessing2.Lslv, DataProcessing2.Lsrv, DataProcessing2.Asrv, DataProcessing2.Rorv),
        Register, Register, Register,
        (wide, op, rm, rn, rd) => new Case($"{op.ToString().ToLowerInvariant()} {R(wide, rd)}, {R(wide, rn)}, {R(wide, rm)}",
            DataProcessing2Source(wide, op, rm, rn, rd)));

    private static readonly Gen<Case> DataProcessing1Cases = Gen.Select(Bool,
        Gen.OneOf(DataProcessing1.Rbit, DataProcessing1.Rev16, DataProcessing1.Rev32, DataProcessing1.Rev64, DataProcessing1.Clz), Register, Register,
        (wide, op, rn, rd) =>
        {
            if (op == DataProcessing1.Rev64) wide = true;
            string mnemonic = op switch
            {
                DataProcessing1.Rbit => "rbit",
                DataProcessing1.Rev16 => "rev16",
                DataProcessing1.Rev32 => wide ? "rev32" : "rev",
                DataProcessing1.Rev64 => "rev",
                _ => "clz",
            };
            return new Case($"{mnemonic} {R(wide, rd)}, {R(wide, rn)}", DataProcessing1Source(wide, op, rn, rd));
        });

    private static readonly string[,] LogicalRegisterNames = { { "and", "bic" }, { "orr", "orn" }, { "eor", "eon" }, { "ands", "bics" } };

    private static readonly Gen<Case> LogicalShiftedCases = Gen.Select(Bool, Gen.Int[0, 3], Gen.OneOf(Shift.Lsl, Shift.Lsr, Shift.Asr, Shift.Ror), Bool,
        Register, Edge(0, 63), Register, Register,
        (wide, opc, shift, invert, rm, imm, rn, rd) =>
        {
            if (!wide) imm &= 31;
            return new Case($"{LogicalRegisterNames[opc, invert ? 1 : 0]} {R(wide, rd)}, {R(wide, rn)}, {R(wide, rm)}, {shift.ToString().ToLowerInvariant()} #{imm}",
                LogicalShiftedRegister(wide, (LogicalOp)opc, shift, invert, rm, (uint)imm, rn, rd));
        });

    private static readonly Gen<Case> AddSubtractShiftedCases = Gen.Select(Bool, Bool, Bool, Gen.OneOf(Shift.Lsl, Shift.Lsr, Shift.Asr),
        Register, Edge(0, 63), Register, Register,
        (wide, subtract, flags, shift, rm, imm, rn, rd) =>
        {
            if (!wide) imm &= 31;
            return new Case($"{(subtract ? "sub" : "add")}{(flags ? "s" : "")} {R(wide, rd)}, {R(wide, rn)}, {R(wide, rm)}, {shift.ToString().ToLowerInvariant()} #{imm}",
                AddSubtractShiftedRegister(wide, subtract, flags, shift, rm, (uint)imm, rn, rd));
        });

    private static readonly Gen<Case> ConditionalSelectCases = Gen.Select(Bool,
        Gen.OneOf(ConditionalSelectOp.Csel, ConditionalSelectOp.Csinc, ConditionalSelectOp.Csinv, ConditionalSelectOp.Csneg), Register, Cond, Register, Register,
        (wide, op, rm, cond, rn, rd) => new Case($"{op.ToString().ToLowerInvariant()} {R(wide, rd)}, {R(wide, rn)}, {R(wide, rm)}, {Name(cond)}",
            ConditionalSelect(wide, op, rm, cond, rn, rd)));

    private static readonly Gen<Case> DataProcessing3Cases = Gen.Select(Bool,
        Gen.OneOf(DataProcessing3.Madd, DataProcessing3.Msub, DataProcessing3.Smulh, DataProcessing3.Umulh), Register, Register, Register, Register,
        (wide, op, rm, ra, rn, rd) => op is DataProcessing3.Smulh or DataProcessing3.Umulh
            ? new Case($"{op.ToString().ToLowerInvariant()} {X(rd)}, {X(rn)}, {X(rm)}", DataProcessing3Source(true, op, rm, 31, rn, rd))
            : new Case($"{op.ToString().ToLowerInvariant()} {R(wide, rd)}, {R(wide, rn)}, {R(wide, rm)}, {R(wide, ra)}",
                DataProcessing3Source(wide, op, rm, ra, rn, rd)));

    private static readonly Gen<Case>[] Classes =
    [
        AddSubtractImmediateCases, LogicalImmediateCases, MoveWideCases, BitfieldCases, PcRelativeCases,
        ConditionalBranchCases, UnconditionalBranchCases, BranchRegisterCases, CompareBranchCases, TestBranchCases,
        UnsignedImmediateCases, UnscaledImmediateCases, RegisterOffsetCases, PairCases, ExclusiveCases,
        DataProcessing2Cases, DataProcessing1Cases, LogicalShiftedCases, AddSubtractShiftedCases, ConditionalSelectCases,
        DataProcessing3Cases,
    ];

    /// <summary>The extremes of every field, spelled out.</summary>
    private static IEnumerable<Case> Edges =>
    [
        .. BarrierCases,
        new("b #134217724", UnconditionalBranchImmediate(false, 134217724)),
        new("bl #-134217728", UnconditionalBranchImmediate(true, -134217728)),
        new("b.ne #1048572", ConditionalBranchImmediate(1048572, Condition.Ne)),
        new("b.hs #-1048576", ConditionalBranchImmediate(-1048576, Condition.Hs)),
        new("cbnz x9, #-1048576", CompareAndBranchImmediate(true, true, -1048576, 9)),
        new("tbnz x1, #63, #32764", TestAndBranchImmediate(63, true, 32764, 1)),
        new("ldr x9, [x24, #32760]", LoadStoreRegisterUnsignedImmediate(AccessBytes.Double, LoadStoreOp.Load, 4095, 24, 9)),
        new("ldur x9, [x24, #-256]", LoadStoreRegisterUnscaledImmediate(AccessBytes.Double, LoadStoreOp.Load, -256, 24, 9)),
        new("stp x29, x30, [sp, #-512]!", LoadStoreRegisterPair(PairIndexing.PreIndex, false, -64, 30, 31, 29)),
        new("ldp x29, x30, [sp], #504", LoadStoreRegisterPair(PairIndexing.PostIndex, true, 63, 30, 31, 29)),
        new("movk x0, #65535, lsl #48", MoveWideImmediate(true, MoveWideOp.Movk, 3, 0xffff, 0)),
        new("sub sp, sp, #4095, lsl #12", AddSubtractImmediate(true, true, false, 4095, true, 31, 31)),
        new("ret", UnconditionalBranchRegister(BranchRegisterOp.Ret, 30)),
    ];
}
