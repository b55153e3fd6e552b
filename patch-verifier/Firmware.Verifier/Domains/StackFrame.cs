using System.Numerics;

namespace Firmware.Verifier.Domains;

/// <summary>What a stack byte holds.</summary>
internal enum StackByte : byte
{
    Uninitialized,
    /// <summary>Some scalar byte.</summary>
    Scalar,
    /// <summary>Part of an aligned 8-byte register spill, kept whole in <see cref="StackFrame"/>'s slots.</summary>
    Spill,
}

/// <summary>
/// One 512-byte frame, tracked per byte; aligned 8-byte stores keep the register's full abstract value.
/// Besides the bytes, up to <see cref="MaxRuns"/> <em>filled runs</em> (<see cref="FilledRun"/>): one per
/// array a loop fills, so a loop filling two arrays (`a[i] = ...; b[i] = ...`) knows both filled up to i.
/// </summary>
internal sealed class StackFrame
{
    public const int Size = 512;
    public const int Slots = Size / 8;
    /// <summary>
    /// Runs kept per frame; a join that finds more keeps the first (each side's runs, then new ones from the lowest
    /// address): the bytes of the others stay as the byte map says.
    /// </summary>
    public const int MaxRuns = 4;

    private readonly StackByte[] _bytes = new StackByte[Size];
    private readonly SpillSlots _spills;
    /// <summary>Each with a scalar end; most frames have none, and then share this empty array (only joins start runs).</summary>
    private FilledRun[] _runs = [];

    public StackFrame() : this(new SpillSlots())
    {
    }

    private StackFrame(SpillSlots spills) => _spills = spills;

    public StackFrame Clone()
    {
        var copy = new StackFrame(_spills.Copy()) { _runs = _runs.Length == 0 ? _runs : (FilledRun[])_runs.Clone() };
        _bytes.CopyTo(copy._bytes, 0);
        return copy;
    }

    /// <summary>Index of the byte at frame offset <paramref name="offset"/> (negative, from r10).</summary>
    private static int Index(long offset) => (int)(offset + Size);

    public int RunCount => _runs.Length;

    /// <summary>The byte's kind; bytes of a filled run read as scalars.</summary>
    public StackByte ByteAt(long offset) => ByteAt(Index(offset));

    private StackByte ByteAt(int index)
    {
        var kind = _bytes[index];
        if (kind != StackByte.Uninitialized) return kind;
        for (int r = 0; r < RunCount; r++)
            if (index >= Index(_runs[r].Start) && index - Size < _runs[r].End.Value.SMin) return StackByte.Scalar;
        return kind;
    }

    public RegisterValue? SpillAt(long offset) =>
        offset % 8 == 0 && _bytes[Index(offset)] == StackByte.Spill ? _spills[Index(offset) / 8] : null;

    /// <summary>The value spilled in 8-byte slot <paramref name="slot"/> (0 is the lowest address), if the slot holds one.</summary>
    public RegisterValue? SpillInSlot(int slot) => HoldsSpill(slot) ? _spills[slot] : null;

    public bool HoldsSpill(int slot) => _bytes[slot * 8] == StackByte.Spill;

    /// <summary>Replaces the value of a slot that holds a spill (its links change, not its kind).</summary>
    public void SetSpillInSlot(int slot, RegisterValue value) => _spills[slot] = value;

    /// <summary>Where filled run <paramref name="run"/> (below <see cref="RunCount"/>) ends: a variable links can tie to others.</summary>
    public RegisterValue RunEnd(int run) => _runs[run].End;

    /// <summary>Where filled run <paramref name="run"/> starts.</summary>
    public long RunStart(int run) => _runs[run].Start;

    public void SetRunEnd(int run, RegisterValue end) => _runs[run] = _runs[run] with { End = end };

    public void Spill(long offset, RegisterValue value)
    {
        int index = Index(offset);
        if (value.IsPointer) DropRunsOver(offset, 8);
        Array.Fill(_bytes, StackByte.Spill, index, 8);
        _spills[index / 8] = value;
    }

    /// <summary>
    /// A scalar write of [offset, offset + size). Partly overwritten spills of scalars become scalar bytes;
    /// the rest of a partly overwritten pointer becomes unreadable, so no pointer bits leak as a scalar.
    /// </summary>
    public void WriteScalar(long offset, int size, bool certain)
    {
        int start = Index(offset);
        for (int slot = start / 8; slot <= (start + size - 1) / 8; slot++)
        {
            if (_bytes[slot * 8] != StackByte.Spill) continue;
            bool pointer = _spills[slot].IsPointer;
            if (pointer) DropRunsOver(slot * 8 - Size, 8);
            Array.Fill(_bytes, pointer ? StackByte.Uninitialized : StackByte.Scalar, slot * 8, 8);
            _spills.Remove(slot);
        }
        if (certain) Array.Fill(_bytes, StackByte.Scalar, start, size);
    }

    /// <summary>
    /// A scalar store of <paramref name="size"/> bytes at <paramref name="pointer"/> + <paramref name="offset"/>
    /// that lies at a known distance (by their links, or as constants) within <see cref="PendingBytes"/> past
    /// where a filled run ends is remembered; once the bytes from the end on are all written, the run
    /// extends over them.
    /// </summary>
    public void ExtendRuns(RegisterValue pointer, long offset, int size)
    {
        for (int r = 0; r < RunCount; r++)
        {
            var (end, pending) = (_runs[r].End, _runs[r].Pending);
            long? gap = end.Id != 0
                ? (end.Id == pointer.Id && end.Scale == pointer.Scale ? pointer.Delta + offset - end.Delta : null)
                : (end.Value.IsConst && pointer.Value.IsConst ? (long)pointer.Value.UMin + offset - (long)end.Value.UMin : null);
            if (gap is not long k || k < 0 || k + size > PendingBytes) continue;
            pending |= (ulong.MaxValue >> (64 - size)) << (int)k;
            int filled = BitOperations.TrailingZeroCount(~pending);
            if (filled > 0)
            {
                pending = filled == PendingBytes ? 0 : pending >> filled;
                var after = ScalarArithmetic.Apply(Ebpf.Isa.AluOp.Add, end.Value, Scalar.Const(filled), true, false);
                end = end with { Value = after, Delta = end.Delta + filled };
            }
            _runs[r] = _runs[r] with { End = end, Pending = pending };
        }
    }

    private const int PendingBytes = 64;

    public void ForgetPending(int run) => _runs[run] = _runs[run] with { Pending = 0 };

    /// <summary>A pointer in a run's bytes makes them more than scalars: the run ends (its bytes stay as the byte map says).</summary>
    private void DropRunsOver(long offset, int size)
    {
        if (_runs.Length > 0) _runs = Array.FindAll(_runs, run => offset + size <= run.Start || offset >= run.End.Value.SMax + PendingBytes);
    }

    /// <summary>Whether <see cref="Replace"/> would change anything (so a shared frame need not be copied).</summary>
    public bool Changes(Func<RegisterValue, RegisterValue> update)
    {
        for (int slot = 0; slot < Slots; slot++)
            if (_bytes[slot * 8] == StackByte.Spill && update(_spills[slot]) != _spills[slot]) return true;
        for (int r = 0; r < RunCount; r++)
            if (update(_runs[r].End) != _runs[r].End) return true;
        return false;
    }

    public void Replace(Func<RegisterValue, RegisterValue> update)
    {
        for (int slot = 0; slot < Slots; slot++)
            if (_bytes[slot * 8] == StackByte.Spill) _spills[slot] = update(_spills[slot]);
        for (int r = 0; r < RunCount; r++) SetRunEnd(r, update(_runs[r].End));
    }

    /// <summary>
    /// The join; may return this frame itself (stored states are never mutated, blocks run on clones).
    /// <paramref name="endsA"/> and <paramref name="endsB"/> (<see cref="MaxRuns"/> long) get where each
    /// side's bytes from each joined run's start end, as the joined run's end joins them (for relinking).
    /// </summary>
    public StackFrame Join(StackFrame other, Thresholds? widen, Span<RegisterValue> endsA, Span<RegisterValue> endsB)
    {
        if (SameAs(other))
        {
            for (int r = 0; r < RunCount; r++) endsA[r] = endsB[r] = _runs[r].End;
            return this;
        }
        var result = new StackFrame();
        for (int i = 0; i < Size; i++)
            result._bytes[i] = JoinByte(ByteAt(i), other.ByteAt(i), HoldsPointer(i), other.HoldsPointer(i));
        for (int slot = 0; slot < Slots; slot++)
        {
            if (result._bytes[slot * 8] != StackByte.Spill) continue;
            // Links survive as in registers (the frame's join relinks both); a kind that differs is unusable as a
            // pointer, and readable only if both sides held scalars, which they did not.
            var joined = widen is null ? _spills[slot].Join(other._spills[slot]) : _spills[slot].Widen(other._spills[slot], widen);
            result._spills[slot] = joined.IsInitialized ? joined : RegisterValue.Conflict;
        }
        Span<long> starts = stackalloc long[MaxRuns];
        int count = JoinedRunStarts(other, starts, endsA, endsB);
        if (count > 0) result._runs = new FilledRun[count];
        for (int r = 0; r < count; r++)
        {
            var end = widen is null ? endsA[r].Join(endsB[r]) : endsA[r].Widen(endsB[r], widen);
            // Bytes pending on both sides past the ends the joined end stands for.
            ulong pending = RunAt(starts[r]) is { } a && a.End == endsA[r] && other.RunAt(starts[r]) is { } b && b.End == endsB[r]
                ? a.Pending & b.Pending
                : 0;
            result._runs[r] = new FilledRun(starts[r], end, pending);
        }
        return result;
    }

    /// <summary>
    /// Where the joined runs start, and each side's end from there (<see cref="EndFrom"/>); returns how many:
    /// at each side's runs, then at the first byte of each stretch only one side has initialised, beyond
    /// where the runs found so far may reach.
    /// </summary>
    private int JoinedRunStarts(StackFrame other, Span<long> starts, Span<RegisterValue> endsA, Span<RegisterValue> endsB)
    {
        int count = 0;
        for (int r = 0; r < RunCount; r++) count = AddRun(other, _runs[r].Start, starts, endsA, endsB, count);
        for (int r = 0; r < other.RunCount; r++) count = AddRun(other, other._runs[r].Start, starts, endsA, endsB, count);
        for (int i = 0; i < Size && count < MaxRuns; i++)
        {
            int reached = i;
            for (int k = 0; k < count; k++)
                if (i >= Index(starts[k])) reached = Math.Max(reached, Index(Math.Clamp(Math.Max(endsA[k].Value.SMax, endsB[k].Value.SMax), starts[k], 0)));
            if (reached > i)
                i = reached - 1;
            else if (_bytes[i] == other._bytes[i])
                // Outside every run both sides have (all are among the starts so far), equal bytes are equally
                // initialised: skip to where they differ.
                i += _bytes.AsSpan(i).CommonPrefixLength(other._bytes.AsSpan(i)) - 1;
            else if ((ByteAt(i) == StackByte.Uninitialized) != (other.ByteAt(i) == StackByte.Uninitialized))
                count = AddRun(other, i - Size, starts, endsA, endsB, count);
        }
        return count;
    }

    private int AddRun(StackFrame other, long start, Span<long> starts, Span<RegisterValue> endsA, Span<RegisterValue> endsB, int count)
    {
        if (count == MaxRuns || starts[..count].Contains(start)) return count;
        (starts[count], endsA[count], endsB[count]) = (start, EndFrom(start), other.EndFrom(start));
        return count + 1;
    }

    private FilledRun? RunAt(long start)
    {
        for (int r = 0; r < RunCount; r++)
            if (_runs[r].Start == start) return _runs[r];
        return null;
    }

    /// <summary>
    /// Where this side's initialised bytes from <paramref name="start"/> end: its run's end when that is a
    /// constant or linked (so the join can relink it), else the constant end of what it surely holds.
    /// </summary>
    private RegisterValue EndFrom(long start)
    {
        if (RunAt(start) is { } run && (run.End.Id != 0 || run.End.Value.IsConst)) return run.End;
        int end = Index(start);
        while (end < Size && ByteAt(end) != StackByte.Uninitialized && !HoldsPointer(end)) end++;
        return RegisterValue.Of(Scalar.Const((long)(end - Size)));
    }

    /// <summary>Spills are whole slots, so bytes that are spills on both sides stay spills.</summary>
    private static StackByte JoinByte(StackByte a, StackByte b, bool aPointer, bool bPointer) =>
        a == b ? a
        : a == StackByte.Uninitialized || b == StackByte.Uninitialized || aPointer || bPointer ? StackByte.Uninitialized
        : StackByte.Scalar;

    private bool HoldsPointer(int index) => _bytes[index] == StackByte.Spill && _spills[index / 8].IsPointer;

    public bool SameAs(StackFrame other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (RunCount != other.RunCount) return false;
        for (int r = 0; r < RunCount; r++)
            if (_runs[r] != other._runs[r]) return false;
        return _bytes.AsSpan().SequenceEqual(other._bytes) && _spills.SameAs(other._spills);
    }
}
