using CsCheck;
using Firmware.Arm64.Tests;
using Firmware.Ebpf.Jit.Thumb2;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;

namespace Firmware.Thumb2.Tests;

/// <summary>
/// Every encoder of <see cref="Thumb2Encoding"/> against LLVM's assembler for thumbv7em: random operands
/// (edges favoured) written both as a call to our encoder and as assembly text, all assembled in one
/// llvm-mc run, compared byte for byte.
/// </summary>
public class EncodingTests
{
    /// <summary>
    /// One instruction: what LLVM is given and the bytes our encoder produced. <c>Before</c> and <c>After</c>
    /// are lines LLVM needs around it whose encodings are not compared (an IT and its conditional instruction).
    /// </summary>
    public sealed record Case(string Assembly, byte[] Bytes, string? Before = null, string? After = null)
    {
        public IEnumerable<string?> Lines => [Before, Assembly, After];
    }

    private const int PerClass = 150;

    [Fact]
    public void Every_encoding_class_matches_llvm_mc_on_random_operands()
    {
        var cases = Classes.SelectMany(gen => gen.Array[PerClass].Single()).Concat(Fixed).ToList();
        var lines = cases.SelectMany(c => c.Lines.OfType<string>()).ToList();

        var encodings = LlvmMc.EncodeBytes(LlvmMc.Thumb2, lines);

        var expected = new Queue<byte[]>(encodings);
        var mismatches = new List<string>();
        foreach (var c in cases)
        {
            if (c.Before is not null) expected.Dequeue();
            var theirs = expected.Dequeue();
            if (c.After is not null) expected.Dequeue();
            if (!theirs.SequenceEqual(c.Bytes))
                mismatches.Add($"{c.Assembly,-36} ours {Convert.ToHexString(c.Bytes)}, llvm-mc {Convert.ToHexString(theirs)}");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} differ:\n{string.Join('\n', mismatches.Take(30))}");
    }

    // ---- operands ----

    /// <summary>General registers: r0-r12 and lr (SP and PC have their own rules in most encodings).</summary>
    private static readonly Gen<int> Register = Gen.Frequency((8, Gen.Int[0, 12]), (1, Gen.Const(Lr)));
    private static readonly Gen<int> Low = Gen.Int[0, 12];
    private static readonly Gen<bool> Bool = Gen.Bool;

    private static Gen<int> Edge(int min, int max) => Gen.Frequency((3, Gen.Int[min, max]), (1, Gen.OneOf(min, max, Math.Clamp(0, min, max))));

    private static string R(int r) => r switch { Sp => "sp", Lr => "lr", Pc => "pc", _ => $"r{r}" };

    private static readonly string[] ConditionNames = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"];
    private static readonly Gen<Condition> Cond = Gen.Int[0, 13].Select(c => (Condition)c);
    private static readonly string[] ShiftNames = ["lsl", "lsr", "asr", "ror"];

    private static byte[] Bytes(uint wide) => [(byte)(wide >> 16), (byte)(wide >> 24), (byte)wide, (byte)(wide >> 8)];

    private static byte[] Bytes(ushort narrow) => BitConverter.GetBytes(narrow);

    private static readonly Dictionary<DataOp, string> DataOpNames = new()
    {
        [DataOp.And] = "and", [DataOp.Bic] = "bic", [DataOp.Orr] = "orr", [DataOp.Orn] = "orn", [DataOp.Eor] = "eor",
        [DataOp.Add] = "add", [DataOp.Adc] = "adc", [DataOp.Sbc] = "sbc", [DataOp.Sub] = "sub", [DataOp.Rsb] = "rsb",
    };
    private static readonly Gen<DataOp> Op = Gen.OneOf([.. DataOpNames.Keys]);

    /// <summary>Modified immediates of every shape: a byte, the three replicated patterns, a rotated byte.</summary>
    private static readonly Gen<uint> ModifiedImmediate = Gen.Select(Gen.Int[0, 4], Gen.Byte, Gen.Int[8, 31], (shape, b, rotation) => shape switch
    {
        0 => b,
        1 => b * 0x00010001u,
        2 => b * 0x01000100u,
        3 => b * 0x01010101u,
        _ => ((0x80u | b) >> rotation) | ((0x80u | b) << (32 - rotation)),
    });

    // ---- data processing ----

    private static readonly Gen<Case> DataModifiedImmediateCases = Gen.Select(Op, Bool, Register, Register, ModifiedImmediate,
        (op, flags, rn, rd, value) =>
        {
            Assert.True(TryEncodeModifiedImmediate(value, out uint imm12), $"0x{value:x} should encode");
            // LLVM takes ".w" only where a 16-bit form exists (ADD, SUB, RSB).
            string wide = op is DataOp.Add or DataOp.Sub or DataOp.Rsb ? ".w" : "";
            return new Case($"{DataOpNames[op]}{(flags ? "s" : "")}{wide} {R(rd)}, {R(rn)}, #{value}", Bytes(DataModifiedImmediate(op, flags, rn, rd, imm12)));
        });

    private static readonly Gen<Case> DataShiftedRegisterCases = Gen.Select(Op, Bool, Register, Register, Register,
        Gen.Int[0, 3], Gen.Int[0, 31],
        (op, flags, rn, rd, rm, shift, amount) =>
        {
            // LSR and ASR by 0 would mean 32, ROR by 0 is RRX: keep their amounts 1..31.
            if (shift != 0 && amount == 0) amount = 1;
            string shifted = shift == 0 && amount == 0 ? "" : $", {ShiftNames[shift]} #{amount}";
            string wide = op == DataOp.Orn ? "" : ".w";
            return new Case($"{DataOpNames[op]}{(flags ? "s" : "")}{wide} {R(rd)}, {R(rn)}, {R(rm)}{shifted}",
                Bytes(DataShiftedRegister(op, flags, rn, rd, rm, (Shift)shift, amount)));
        });

    private static readonly Gen<Case> CompareCases = Gen.Select(Register, Register, ModifiedImmediate, (rn, rm, value) =>
    {
        TryEncodeModifiedImmediate(value, out uint imm12);
        return new Case($"cmp.w {R(rn)}, #{value}", Bytes(DataModifiedImmediate(DataOp.Sub, true, rn, Pc, imm12)));
    });

    private static readonly Gen<Case> AddSubtractWideCases = Gen.Select(Bool, Register, Register, Edge(0, 4095),
        (subtract, rn, rd, imm) => new Case($"{(subtract ? "subw" : "addw")} {R(rd)}, {R(rn)}, #{imm}", Bytes(AddSubtractWide(subtract, rn, rd, (uint)imm))));

    private static readonly Gen<Case> MoveWideCases = Gen.Select(Bool, Register, Edge(0, 65535),
        (top, rd, imm) => new Case($"{(top ? "movt" : "movw")} {R(rd)}, #{imm}", Bytes(MoveWide(top, rd, (uint)imm))));

    private static readonly Gen<Case> ShiftRegisterCases = Gen.Select(Gen.Int[0, 3], Bool, Register, Register, Register,
        (shift, flags, rn, rd, rm) => new Case($"{ShiftNames[shift]}{(flags ? "s" : "")}.w {R(rd)}, {R(rn)}, {R(rm)}",
            Bytes(ShiftRegister((Shift)shift, flags, rn, rd, rm))));

    private static readonly Gen<Case> ExtendCases = Gen.Select(Bool, Bool, Register, Register, (signed, isByte, rd, rm) =>
        new Case($"{(signed ? "s" : "u")}xt{(isByte ? "b" : "h")}.w {R(rd)}, {R(rm)}",
            Bytes(Extend(signed, isByte ? AccessWidth.Byte : AccessWidth.Half, rd, rm))));

    private static readonly Gen<Case> ReverseCases = Gen.Select(Bool, Register, Register, (halves, rd, rm) =>
        new Case($"{(halves ? "rev16" : "rev")}.w {R(rd)}, {R(rm)}", Bytes(Reverse(halves, rd, rm))));

    private static readonly Gen<Case> MultiplyCases = Gen.Select(Gen.Int[0, 2], Register, Register, Register, Register,
        (kind, rd, rn, rm, ra) => kind switch
        {
            0 => new Case($"mul {R(rd)}, {R(rn)}, {R(rm)}", Bytes(MultiplyAccumulate(false, rn, rd, rm, Pc))),
            1 => new Case($"mla {R(rd)}, {R(rn)}, {R(rm)}, {R(ra)}", Bytes(MultiplyAccumulate(false, rn, rd, rm, ra))),
            _ => new Case($"mls {R(rd)}, {R(rn)}, {R(rm)}, {R(ra)}", Bytes(MultiplyAccumulate(true, rn, rd, rm, ra))),
        });

    private static readonly Gen<Case> LongMultiplyCases = Gen.Select(Register, Register, Register, Register,
        (lo, hi, rn, rm) => new Case($"umull {R(lo)}, {R(hi == lo ? (hi + 1) % 13 : hi)}, {R(rn)}, {R(rm)}",
            Bytes(UnsignedMultiplyLong(lo, hi == lo ? (hi + 1) % 13 : hi, rn, rm))));

    private static readonly Gen<Case> DivideCases = Gen.Select(Bool, Register, Register, Register,
        (signed, rd, rn, rm) => new Case($"{(signed ? "sdiv" : "udiv")} {R(rd)}, {R(rn)}, {R(rm)}", Bytes(Divide(signed, rd, rn, rm))));

    // ---- loads and stores ----

    private static readonly Gen<Case> LoadStoreImmediate12Cases = Gen.Select(Bool, Gen.Int[0, 2], Bool, Low, Low, Edge(0, 4095),
        (load, width, signed, rt, rn, offset) =>
        {
            signed &= load && width < 2;
            string name = (load ? "ldr" : "str") + (signed ? "s" : "") + (width switch { 0 => "b", 1 => "h", _ => "" });
            return new Case($"{name}.w {R(rt)}, [{R(rn)}, #{offset}]", Bytes(LoadStoreImmediate12(load, (AccessWidth)width, signed, rt, rn, (uint)offset)));
        });

    private static readonly Gen<Case> LoadStoreDualCases = Gen.Select(Bool, Low, Low, Gen.Frequency((6, Low), (1, Gen.Const(Sp))), Edge(-255, 255),
        (load, rt, rt2, rn, words) =>
        {
            if (load && rt == rt2) rt2 = (rt + 1) % 13;
            if (words == 0) words = 1; // "#-0" is its own encoding
            return new Case($"{(load ? "ldrd" : "strd")} {R(rt)}, {R(rt2)}, [{R(rn)}, #{4 * words}]", Bytes(LoadStoreDual(load, rt, rt2, rn, 4 * words)));
        });

    private static readonly Gen<Case> LoadStoreMultipleCases = Gen.Select(Bool, Bool, Bool, Low, Gen.Int[1, 0x1fff],
        (load, decrementBefore, writeBack, rn, list) =>
        {
            ushort registers = (ushort)(list & ~(1 << rn));
            // At least two registers, none of them the base.
            foreach (int r in OtherThan(rn).Take(2)) if (System.Numerics.BitOperations.PopCount(registers) < 2) registers |= (ushort)(1 << r);
            var names = Enumerable.Range(0, 16).Where(r => (registers >> r & 1) != 0).Select(R);
            string mnemonic = (load ? "ldm" : "stm") + (decrementBefore ? "db" : ".w");
            return new Case($"{mnemonic} {R(rn)}{(writeBack ? "!" : "")}, {{{string.Join(", ", names)}}}",
                Bytes(LoadStoreMultiple(load, decrementBefore, writeBack, rn, registers)));
        });

    private static readonly Gen<Case> ExclusiveCases = Gen.Select(Bool, Low, Low, Low, (load, rd, rt, rn) =>
    {
        if (rd == rt || rd == rn) rd = OtherThan(rt, rn).First();
        return load
            ? new Case($"ldrex {R(rt)}, [{R(rn)}]", Bytes(LoadExclusive(rt, rn)))
            : new Case($"strex {R(rd)}, {R(rt)}, [{R(rn)}]", Bytes(StoreExclusive(rd, rt, rn)));
    });

    // ---- branches ----

    private static readonly Gen<Case> BranchCases = Gen.Select(Gen.Int[0, 4], Cond, Gen.Int,
        (kind, cond, random) => kind switch
        {
            0 => new Case($"b.w #{Even(random, 1 << 24)}", Bytes(BranchWide(Even(random, 1 << 24)))),
            1 => new Case($"bl #{Even(random, 1 << 24)}", Bytes(BranchLink(Even(random, 1 << 24)))),
            2 => new Case($"b{ConditionNames[(int)cond]}.w #{Even(random, 1 << 20)}", Bytes(BranchConditionalWide(cond, Even(random, 1 << 20)))),
            3 => new Case($"b{ConditionNames[(int)cond]} #{Even(random, 256)}", Bytes(BranchConditionalNarrow(cond, Even(random, 256)))),
            _ => new Case($"b #{Even(random, 2048)}", Bytes(BranchNarrow(Even(random, 2048)))),
        });

    /// <summary>r0..r12 except <paramref name="taken"/>.</summary>
    private static IEnumerable<int> OtherThan(params int[] taken) => Enumerable.Range(0, 13).Except(taken);

    /// <summary>An even offset in [-range, range - 2].</summary>
    private static int Even(int random, int range) => (int)((uint)random % (uint)range) * 2 - range;

    private static readonly Gen<Case> ConditionalCases = Gen.Select(Cond, Low, Low, (cond, rd, rm) =>
        new Case($"lsl{ConditionNames[(int)cond]}.w {R(rd)}, {R(rd)}, {R(rm)}", Bytes(ShiftRegister(Shift.Lsl, false, rd, rd, rm)),
            Before: $"it {ConditionNames[(int)cond]}"));

    private static readonly Gen<Case>[] Classes =
    [
        DataModifiedImmediateCases, DataShiftedRegisterCases, CompareCases, AddSubtractWideCases, MoveWideCases, ShiftRegisterCases,
        ExtendCases, ReverseCases, MultiplyCases, LongMultiplyCases, DivideCases, LoadStoreImmediate12Cases, LoadStoreDualCases,
        LoadStoreMultipleCases, ExclusiveCases, BranchCases, ConditionalCases,
    ];

    /// <summary>The encodings with few or no operands, and the IT instruction itself.</summary>
    private static IEnumerable<Case> Fixed =>
    [
        new("blx r12", Bytes(BranchLinkExchange(12))),
        new("bx lr", Bytes(BranchExchange(Lr))),
        new("add r9, pc", Bytes(AddHighRegisters(9, Pc))),
        new("push {r3, lr}", Bytes(PushPopNarrow(false, 1 << 3, true))),
        new("pop {r3, pc}", Bytes(PushPopNarrow(true, 1 << 3, true))),
        new("mrs r12, primask", Bytes(MoveFromSpecial(12, Primask))),
        new("msr primask, r12", Bytes(MoveToSpecial(Primask, 12))),
        new("cpsid i", Bytes(ChangeProcessorState(disable: true))),
        new("cpsie i", Bytes(ChangeProcessorState(disable: false))),
        new("nop", Bytes(Nop)),
        .. ConditionNames.Select((name, c) => new Case($"it {name}", Bytes(IfThen((Condition)c)), After: $"nop{name}")),
    ];
}
