using Firmware.Ebpf.Jit.Assembly;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;

namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// Collects Thumb-2 instructions and branches to labels, then lays them out, with a literal pool of
/// 32-bit words at the end. Instructions come from <see cref="Thumb2Encoding"/>; this adds what needs
/// more than one instruction, a scratch register or a label: immediates of any size, and branch ranges.
/// Branch layout: every branch starts in its 16-bit form (B ±2 KiB, B&lt;c&gt; ±256 B); <see cref="Assemble"/>
/// lays the code out, widens each that cannot reach (B.W ±16 MiB, B&lt;c&gt;.W ±1 MiB, then the inverted
/// B&lt;c&gt; over a B.W), and repeats until nothing changes (widening only lengthens code, so it converges).
/// </summary>
internal sealed class Thumb2Assembler
{
    private enum Kind : byte { Narrow, Wide, B, Bl, BCond, PoolAddress }

    /// <summary>An instruction, or a branch to a label (encoded at layout) whose form grows through <c>Stage</c>.</summary>
    private struct Item
    {
        public uint Bits;
        public Kind Kind;
        public byte Stage;
        public int Label;
    }

    private Item[] _items = new Item[1024];
    private int _count;
    private readonly LabelTable _labels = new();
    private readonly List<uint> _pool = [];

    public Label CreateLabel() => _labels.Create();

    /// <summary>Binds <paramref name="label"/> to the next instruction emitted.</summary>
    public void Bind(Label label) => _labels.Bind(label, _count);

    public void Emit(uint wide) => Add(new Item { Bits = wide, Kind = Kind.Wide });

    public void Emit(ushort narrow) => Add(new Item { Bits = narrow, Kind = Kind.Narrow });

    private void Add(Item item)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        _items[_count++] = item;
    }

    // ---- literal pool ----

    /// <summary>Adds a word to the pool at the end of the code; returns its byte offset from the pool's start.</summary>
    public int AddLiteral(uint value)
    {
        _pool.Add(value);
        return 4 * (_pool.Count - 1);
    }

    /// <summary>rd = the pool's address, position independent: MOVW, MOVT of the distance, ADD rd, PC.</summary>
    public void PoolAddress(int rd) => Add(new Item { Kind = Kind.PoolAddress, Bits = (uint)rd });

    // ---- branches ----

    public void B(Label target) => Add(new Item { Kind = Kind.B, Label = target.Id });

    public void Bl(Label target) => Add(new Item { Kind = Kind.Bl, Label = target.Id });

    public void BCond(Condition cond, Label target) => Add(new Item { Kind = Kind.BCond, Bits = (uint)cond, Label = target.Id });

    public static Condition Invert(Condition cond) => (Condition)((uint)cond ^ 1);

    // ---- immediates ----

    /// <summary>rd = <paramref name="value"/>: MOV.W or MVN.W of a modified immediate, else MOVW (and MOVT). Leaves the flags alone.</summary>
    public void MovImmediate(int rd, uint value)
    {
        if (TryEncodeModifiedImmediate(value, out uint imm12))
            Emit(DataModifiedImmediate(DataOp.Orr, false, Pc, rd, imm12));
        else if (TryEncodeModifiedImmediate(~value, out imm12))
            Emit(DataModifiedImmediate(DataOp.Orn, false, Pc, rd, imm12));
        else
        {
            Emit(MoveWide(false, rd, value & 0xffff));
            if (value >> 16 != 0) Emit(MoveWide(true, rd, value >> 16));
        }
    }

    /// <summary>rd = rm (MOV.W, flags untouched).</summary>
    public void Mov(int rd, int rm) => Emit(DataShiftedRegister(DataOp.Orr, false, Pc, rd, rm));

    /// <summary>
    /// rd = rn op <paramref name="value"/> for a data-processing operation: its modified-immediate form when the
    /// value fits, else <paramref name="scratch"/> = value and the register form. ADD and SUB also try the
    /// opposite operation with the negated value, and ADDW/SUBW when the flags are not needed.
    /// </summary>
    public void DataImmediate(DataOp op, bool setFlags, int rd, int rn, uint value, int scratch)
    {
        if (TryEncodeModifiedImmediate(value, out uint imm12))
            Emit(DataModifiedImmediate(op, setFlags, rn, rd, imm12));
        else if (op is DataOp.Add or DataOp.Sub && TryEncodeModifiedImmediate(0 - value, out imm12))
            Emit(DataModifiedImmediate(op == DataOp.Add ? DataOp.Sub : DataOp.Add, setFlags, rn, rd, imm12));
        else if (op is DataOp.Add or DataOp.Sub && !setFlags && (value < 4096 || 0 - value < 4096))
            Emit(AddSubtractWide((op == DataOp.Sub) == (value < 4096), rn, rd, value < 4096 ? value : 0 - value));
        else if (op is DataOp.And or DataOp.Orr && TryEncodeModifiedImmediate(~value, out imm12))
            Emit(DataModifiedImmediate(op == DataOp.And ? DataOp.Bic : DataOp.Orn, setFlags, rn, rd, imm12));
        else
        {
            MovImmediate(scratch, value);
            Emit(DataShiftedRegister(op, setFlags, rn, rd, scratch));
        }
    }

    /// <summary>CMP rn, #value (through <paramref name="scratch"/> when the value is no modified immediate).</summary>
    public void CompareImmediate(int rn, uint value, int scratch) => DataImmediate(DataOp.Sub, true, Pc, rn, value, scratch);

    // ---- layout ----

    /// <summary>Lays out the code and its pool; <paramref name="poolOffset"/> is where the pool starts.</summary>
    public byte[] Assemble(out int poolOffset)
    {
        for (int i = 0; i < _count; i++)
            if (_items[i].Kind is Kind.B or Kind.Bl or Kind.BCond) _labels.RequireBound(_items[i].Label);
        var offsets = new int[_count + 1];
        int size;
        bool grown;
        do
        {
            size = 0;
            for (int i = 0; i < _count; i++)
            {
                offsets[i] = size;
                size += SizeOf(_items[i]);
            }
            offsets[_count] = size;
            grown = false;
            for (int i = 0; i < _count; i++)
            {
                ref var item = ref _items[i];
                if (item.Kind is not (Kind.B or Kind.BCond or Kind.Bl)) continue;
                int distance = offsets[_labels.ItemOf(item.Label)] - (offsets[i] + 4);
                if (!Reaches(item, distance))
                {
                    if (item.Kind == Kind.Bl || item.Stage == (item.Kind == Kind.B ? 1 : 2))
                        throw new InvalidOperationException($"branch of {distance} bytes is beyond ±16 MiB");
                    item.Stage++;
                    grown = true;
                }
            }
        }
        while (grown);

        poolOffset = (size + 3) & ~3;
        var code = new byte[poolOffset + 4 * _pool.Count];
        int at = 0;
        for (int i = 0; i < _count; i++)
        {
            int target = _items[i].Kind is Kind.B or Kind.Bl or Kind.BCond ? offsets[_labels.ItemOf(_items[i].Label)] : 0;
            foreach (ushort half in Encode(_items[i], offsets[i], target, poolOffset))
            {
                BitConverter.TryWriteBytes(code.AsSpan(at), half);
                at += 2;
            }
        }
        if (at < poolOffset) BitConverter.TryWriteBytes(code.AsSpan(at), Nop);
        for (int i = 0; i < _pool.Count; i++)
            BitConverter.TryWriteBytes(code.AsSpan(poolOffset + 4 * i), _pool[i]);
        return code;
    }

    private static int SizeOf(in Item item) => item.Kind switch
    {
        Kind.Narrow => 2,
        Kind.Wide or Kind.Bl => 4,
        Kind.B => item.Stage == 0 ? 2 : 4,
        Kind.BCond => item.Stage switch { 0 => 2, 1 => 4, _ => 6 },
        _ => 10,
    };

    private static bool Reaches(in Item item, int distance) => (item.Kind, item.Stage) switch
    {
        (Kind.B, 0) => distance is >= -2048 and <= 2046,
        (Kind.BCond, 0) => distance is >= -256 and <= 254,
        (Kind.BCond, 1) => distance is >= -(1 << 20) and < 1 << 20,
        (Kind.BCond, _) => distance - 2 is >= -(1 << 24) and < 1 << 24, // the B.W sits 2 bytes further
        _ => distance is >= -(1 << 24) and < 1 << 24,
    };

    /// <summary>The halfwords of one item at <paramref name="offset"/>; <paramref name="target"/> is its label's offset.</summary>
    private static IEnumerable<ushort> Encode(Item item, int offset, int target, int poolOffset)
    {
        int distance = target - (offset + 4);
        switch (item.Kind, item.Stage)
        {
            case (Kind.Narrow, _):
                return [(ushort)item.Bits];
            case (Kind.Wide, _):
                return Halves(item.Bits);
            case (Kind.B, 0):
                return [BranchNarrow(distance)];
            case (Kind.B, _):
                return Halves(BranchWide(distance));
            case (Kind.Bl, _):
                return Halves(BranchLink(distance));
            case (Kind.BCond, 0):
                return [BranchConditionalNarrow((Condition)item.Bits, distance)];
            case (Kind.BCond, 1):
                return Halves(BranchConditionalWide((Condition)item.Bits, distance));
            case (Kind.BCond, _):
                // b<!c> over the B.W: its target is offset + 6, which is 2 past its own pc.
                return [BranchConditionalNarrow(Invert((Condition)item.Bits), 2), .. Halves(BranchWide(distance - 2))];
            default:
                // The ADD reads PC as its own address + 4; it sits 8 bytes into the sequence.
                int rd = (int)item.Bits;
                uint delta = (uint)(poolOffset - (offset + 8 + 4));
                return [.. Halves(MoveWide(false, rd, delta & 0xffff)), .. Halves(MoveWide(true, rd, delta >> 16)), AddHighRegisters(rd, Pc)];
        }
    }

    private static ushort[] Halves(uint wide) => [(ushort)(wide >> 16), (ushort)wide];
}
