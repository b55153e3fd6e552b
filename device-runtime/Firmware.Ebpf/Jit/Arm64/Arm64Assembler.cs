using Firmware.Ebpf.Jit.Assembly;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>
/// Collects A64 instructions and branches to labels, then lays them out. Instructions come from
/// <see cref="Arm64Encoding"/>; this adds what needs more than one instruction or a label:
/// immediates of any size (movz/movn/movk or a bitmask immediate; a scratch register when an
/// instruction's immediate field cannot hold the value), addressing of any offset, and branch ranges.
/// Branch layout: B.cond and CBZ/CBNZ reach ±1 MiB. Every one starts short; <see cref="Assemble"/> lays the
/// code out, turns each that cannot reach its label into the inverted branch over a B (±128 MiB), and repeats
/// until nothing changes (growing only lengthens branches, so it converges).
/// </summary>
internal sealed class Arm64Assembler
{
    public const int Zr = 31, Sp = 31;

    private enum Kind : byte { Word, B, Bl, BCond, Cbz, Cbnz }

    /// <summary>An instruction, or a branch to a label (encoded at layout); <c>Long</c> once it needs the two-instruction form.</summary>
    private struct Item
    {
        public uint Word;
        public Kind Kind;
        public bool Long;
        /// <summary>B.cond: the condition; CBZ/CBNZ: the register, bit 8 for the 64-bit form.</summary>
        public uint Operand;
        public int Label;
    }

    private Item[] _items = new Item[1024];
    private int _count;
    private readonly LabelTable _labels = new();

    /// <summary>Instructions (and branches) emitted so far.</summary>
    public int Count => _count;

    public Label CreateLabel() => _labels.Create();

    /// <summary>Binds <paramref name="label"/> to the next instruction emitted.</summary>
    public void Bind(Label label) => _labels.Bind(label, _count);

    public void Emit(uint word) => Add(new Item { Word = word });

    private void Add(Item item)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        _items[_count++] = item;
    }

    // ---- branches ----

    public void B(Label target) => Add(new Item { Kind = Kind.B, Label = target.Id });

    public void Bl(Label target) => Add(new Item { Kind = Kind.Bl, Label = target.Id });

    public void BCond(Condition cond, Label target) => Add(new Item { Kind = Kind.BCond, Operand = (uint)cond, Label = target.Id });

    public void Cbz(bool wide, int rt, Label target) => Add(new Item { Kind = Kind.Cbz, Operand = (uint)rt | (wide ? 256u : 0), Label = target.Id });

    public void Cbnz(bool wide, int rt, Label target) => Add(new Item { Kind = Kind.Cbnz, Operand = (uint)rt | (wide ? 256u : 0), Label = target.Id });

    public void Br(int rn) => Emit(UnconditionalBranchRegister(BranchRegisterOp.Br, rn));

    public void Blr(int rn) => Emit(UnconditionalBranchRegister(BranchRegisterOp.Blr, rn));

    public void Ret() => Emit(UnconditionalBranchRegister(BranchRegisterOp.Ret, 30));

    public static Condition Invert(Condition cond) => (Condition)((uint)cond ^ 1);

    // ---- moves and immediates ----

    /// <summary>rd = rm (ORR with ZR; the 32-bit form zero-extends).</summary>
    public void Mov(bool wide, int rd, int rm) =>
        Emit(LogicalShiftedRegister(wide, LogicalOp.Orr, Shift.Lsl, false, rm, 0, Zr, rd));

    /// <summary>rd = rn where one of them is SP (ADD #0).</summary>
    public void MovSp(int rd, int rn) => Emit(AddSubtractImmediate(true, false, false, 0, false, rn, rd));

    /// <summary>
    /// rd = <paramref name="value"/> (its low 32 bits, zero-extended, when not <paramref name="wide"/>) in as few
    /// instructions as this finds: one MOVZ or MOVN, or one ORR of a bitmask immediate, else MOVZ or MOVN
    /// (whichever leaves fewer halfwords to fix) followed by a MOVK per remaining halfword.
    /// </summary>
    public void MovImmediate(bool wide, int rd, ulong value)
    {
        int halves = wide ? 4 : 2;
        if (!wide) value = (uint)value;
        const ulong filler = 0xffff; // what a MOVN leaves in every other halfword
        int zeros = 0, ones = 0;
        for (int hw = 0; hw < halves; hw++)
        {
            ulong half = (value >> (16 * hw)) & 0xffff;
            if (half == 0) zeros++;
            else if (half == filler) ones++;
        }
        if (zeros < halves - 1 && ones < halves - 1 && TryEncodeBitmask(value, wide, out uint n, out uint immr, out uint imms))
        {
            Emit(Arm64Encoding.LogicalImmediate(wide, LogicalOp.Orr, n, immr, imms, Zr, rd));
            return;
        }
        bool inverted = ones > zeros;
        ulong skip = inverted ? filler : 0;
        bool first = true;
        for (int hw = 0; hw < halves; hw++)
        {
            ulong half = (value >> (16 * hw)) & 0xffff;
            if (half == skip) continue;
            if (first)
                Emit(MoveWideImmediate(wide, inverted ? MoveWideOp.Movn : MoveWideOp.Movz, hw, (uint)(inverted ? ~half & 0xffff : half), rd));
            else
                Emit(MoveWideImmediate(wide, MoveWideOp.Movk, hw, (uint)half, rd));
            first = false;
        }
        if (first) // every halfword is the filler: 0, or all ones
            Emit(MoveWideImmediate(wide, inverted ? MoveWideOp.Movn : MoveWideOp.Movz, 0, 0, rd));
    }

    /// <summary>Whether ADD/SUB (immediate) can take <paramref name="value"/>: 12 bits, maybe shifted by 12.</summary>
    public static bool IsAddImmediate(ulong value) => value < 1 << 12 || ((value & 0xfff) == 0 && value < 1 << 24);

    /// <summary>
    /// rd = rn + value, with flags if <paramref name="setFlags"/> (rd ZR: CMN/CMP). Uses ADD or SUB (immediate)
    /// when value or -value fits, else <paramref name="scratch"/> = value and the register form. Register 31 is
    /// SP in the immediate forms and ZR in the register form; callers pass neither as rn.
    /// </summary>
    public void AddImmediate(bool wide, int rd, int rn, long value, int scratch, bool setFlags = false)
    {
        if (!wide) value = (int)value; // 32-bit arithmetic: only the low half of the value counts
        bool subtract = value < 0;
        ulong magnitude = subtract ? (ulong)-value : (ulong)value;
        if (IsAddImmediate(magnitude) && value != long.MinValue)
        {
            EmitAddSubtractImmediate(wide, subtract, setFlags, magnitude, rn, rd);
            return;
        }
        MovImmediate(wide, scratch, (ulong)value);
        Emit(AddSubtractShiftedRegister(wide, false, setFlags, Shift.Lsl, scratch, 0, rn, rd));
    }

    /// <summary>
    /// Flags of rn - value: CMP (immediate), or CMN (immediate) of -value, which sets the same flags for any
    /// value but the most negative; otherwise <paramref name="scratch"/> = value and CMP (register).
    /// </summary>
    public void CompareImmediate(bool wide, int rn, long value, int scratch)
    {
        if (!wide) value = (int)value;
        if (value >= 0 && IsAddImmediate((ulong)value))
            EmitAddSubtractImmediate(wide, true, true, (ulong)value, rn, Zr);
        else if (value < 0 && value != (wide ? long.MinValue : int.MinValue) && IsAddImmediate((ulong)-value))
            EmitAddSubtractImmediate(wide, false, true, (ulong)-value, rn, Zr);
        else
        {
            MovImmediate(wide, scratch, (ulong)value);
            Compare(wide, rn, scratch);
        }
    }

    private void EmitAddSubtractImmediate(bool wide, bool subtract, bool setFlags, ulong magnitude, int rn, int rd)
    {
        bool shift = magnitude >= 1 << 12;
        Emit(AddSubtractImmediate(wide, subtract, setFlags, (uint)(shift ? magnitude >> 12 : magnitude), shift, rn, rd));
    }

    /// <summary>Flags of rn - rm.</summary>
    public void Compare(bool wide, int rn, int rm) =>
        Emit(AddSubtractShiftedRegister(wide, true, true, Shift.Lsl, rm, 0, rn, Zr));

    /// <summary>rd = rn op value: a bitmask immediate when it has one, else <paramref name="scratch"/> = value and the register form. ANDS with rd ZR is TST.</summary>
    public void LogicalImmediate(bool wide, LogicalOp op, int rd, int rn, ulong value, int scratch)
    {
        if (TryEncodeBitmask(value, wide, out uint n, out uint immr, out uint imms))
        {
            Emit(Arm64Encoding.LogicalImmediate(wide, op, n, immr, imms, rn, rd));
            return;
        }
        MovImmediate(wide, scratch, value);
        Emit(LogicalShiftedRegister(wide, op, Shift.Lsl, false, scratch, 0, rn, rd));
    }

    // ---- loads and stores ----

    /// <summary>
    /// A load or store of <paramref name="size"/> at [rn + offset]: the scaled unsigned form when the offset is
    /// a multiple of the size in range, else the unscaled 9-bit form, else <paramref name="scratch"/> = offset
    /// and the register-offset form.
    /// </summary>
    public void LoadStore(AccessBytes size, LoadStoreOp op, int rt, int rn, long offset, int scratch)
    {
        int scale = (int)size;
        if (offset >= 0 && (offset & ((1 << scale) - 1)) == 0 && offset >> scale < 1 << 12)
            Emit(LoadStoreRegisterUnsignedImmediate(size, op, (uint)(offset >> scale), rn, rt));
        else if (offset is >= -256 and < 256)
            Emit(LoadStoreRegisterUnscaledImmediate(size, op, (int)offset, rn, rt));
        else
        {
            MovImmediate(true, scratch, (ulong)offset);
            Emit(LoadStoreRegisterRegisterOffset(size, op, scratch, Extend.Lsl, false, rn, rt));
        }
    }

    /// <summary>STP pre-indexed: [sp + offset] = (rt, rt2), sp += offset.</summary>
    public void PushPair(int rt, int rt2, int offset) => Emit(LoadStoreRegisterPair(PairIndexing.PreIndex, false, offset / 8, rt2, Sp, rt));

    /// <summary>LDP post-indexed: (rt, rt2) = [sp], sp += offset.</summary>
    public void PopPair(int rt, int rt2, int offset) => Emit(LoadStoreRegisterPair(PairIndexing.PostIndex, true, offset / 8, rt2, Sp, rt));

    /// <summary>STP or LDP at [rn + offset].</summary>
    public void Pair(bool load, int rt, int rt2, int rn, int offset) => Emit(LoadStoreRegisterPair(PairIndexing.SignedOffset, load, offset / 8, rt2, rn, rt));

    // ---- layout ----

    /// <summary>Lays out the code (see the class comment) and encodes it.</summary>
    public byte[] Assemble()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the A64 encoder writes little-endian words");
        for (int i = 0; i < _count; i++)
            if (_items[i].Kind != Kind.Word) _labels.RequireBound(_items[i].Label);
        var offsets = new long[_count + 1];
        bool changed = true;
        while (changed)
        {
            long position = 0;
            for (int i = 0; i < _count; i++)
            {
                offsets[i] = position;
                position += _items[i].Long ? 8 : 4;
            }
            offsets[_count] = position;
            changed = false;
            for (int i = 0; i < _count; i++)
            {
                ref var item = ref _items[i];
                if (item.Kind is Kind.BCond or Kind.Cbz or Kind.Cbnz && !item.Long
                    && !Reaches(offsets[_labels.ItemOf(item.Label)] - offsets[i], 19))
                {
                    item.Long = true;
                    changed = true;
                }
            }
        }

        var code = new byte[offsets[_count]];
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(code.AsSpan());
        int w = 0;
        for (int i = 0; i < _count; i++)
        {
            var item = _items[i];
            long target = item.Kind == Kind.Word ? 0 : offsets[_labels.ItemOf(item.Label)];
            long here = offsets[i];
            switch (item.Kind)
            {
                case Kind.Word:
                    words[w++] = item.Word;
                    break;
                case Kind.B or Kind.Bl:
                    words[w++] = Branch(item.Kind == Kind.Bl, target - here);
                    break;
                case Kind.BCond when !item.Long:
                    words[w++] = ConditionalBranchImmediate(target - here, (Condition)item.Operand);
                    break;
                case Kind.BCond:
                    words[w++] = ConditionalBranchImmediate(8, Invert((Condition)item.Operand));
                    words[w++] = Branch(false, target - here - 4);
                    break;
                default:
                    bool wide = (item.Operand & 256) != 0, nonZero = item.Kind == Kind.Cbnz;
                    int rt = (int)(item.Operand & 31);
                    if (!item.Long)
                        words[w++] = CompareAndBranchImmediate(wide, nonZero, target - here, rt);
                    else
                    {
                        words[w++] = CompareAndBranchImmediate(wide, !nonZero, 8, rt);
                        words[w++] = Branch(false, target - here - 4);
                    }
                    break;
            }
        }
        return code;
    }

    private static uint Branch(bool link, long offset) => Reaches(offset, 26)
        ? UnconditionalBranchImmediate(link, offset)
        : throw new NotSupportedException($"the program's code is larger than a branch reaches (±128 MiB)");
}
