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
/// Besides the bytes, a <em>filled run</em>: bytes [RunStart, RunEnd) are initialised scalars, where
/// RunEnd is a value that links tie to a loop's index, so a loop filling an array (`a[i] = ...`, one
/// variable-offset store per iteration) is known to have filled a[0..i) at every iteration and all of
/// it once the loop's exit test fixes i.
/// </summary>
internal sealed class StackFrame
{
    public const int Size = 512;
    public const int Slots = Size / 8;

    private readonly StackByte[] _bytes = new StackByte[Size];
    private readonly SpillSlots _spills;
    private long _runStart;
    /// <summary>A scalar (the frame offset where the run ends), or uninitialised when there is no run.</summary>
    private RegisterValue _runEnd = RegisterValue.Uninitialized;
    /// <summary>
    /// Bytes just past the run's end that are already written (bit k: the byte at end + k), so that stores
    /// filling one element out of order (`out[used + 3]` before `out[used]`) still extend the run once they meet it.
    /// </summary>
    private ulong _pending;

    public StackFrame() : this(new SpillSlots())
    {
    }

    private StackFrame(SpillSlots spills) => _spills = spills;

    public StackFrame Clone()
    {
        var copy = new StackFrame(_spills.Copy()) { _runStart = _runStart, _runEnd = _runEnd, _pending = _pending };
        _bytes.CopyTo(copy._bytes, 0);
        return copy;
    }

    /// <summary>Index of the byte at frame offset <paramref name="offset"/> (negative, from r10).</summary>
    private static int Index(long offset) => (int)(offset + Size);

    private bool HasRun => _runEnd.Kind == ValueKind.Scalar;

    /// <summary>The byte's kind; bytes of the filled run read as scalars.</summary>
    public StackByte ByteAt(long offset) => ByteAt(Index(offset));

    private StackByte ByteAt(int index)
    {
        var kind = _bytes[index];
        return kind == StackByte.Uninitialized && HasRun && index >= Index(_runStart) && index - Size < _runEnd.Value.SMin
            ? StackByte.Scalar
            : kind;
    }

    public RegisterValue? SpillAt(long offset) =>
        offset % 8 == 0 && _bytes[Index(offset)] == StackByte.Spill ? _spills[Index(offset) / 8] : null;

    /// <summary>The value spilled in 8-byte slot <paramref name="slot"/> (0 is the lowest address), if the slot holds one.</summary>
    public RegisterValue? SpillInSlot(int slot) => HoldsSpill(slot) ? _spills[slot] : null;

    public bool HoldsSpill(int slot) => _bytes[slot * 8] == StackByte.Spill;

    /// <summary>Replaces the value of a slot that holds a spill (its links change, not its kind).</summary>
    public void SetSpillInSlot(int slot, RegisterValue value) => _spills[slot] = value;

    /// <summary>Where the filled run ends, if there is one (a variable links can tie to others).</summary>
    public RegisterValue? RunEnd => HasRun ? _runEnd : null;

    /// <summary>Where the filled run starts (meaningful while <see cref="RunEnd"/> is not null).</summary>
    public long RunStart => _runStart;

    public void SetRunEnd(RegisterValue end) => _runEnd = end;

    public void Spill(long offset, RegisterValue value)
    {
        int index = Index(offset);
        if (value.IsPointer) DropRunOver(offset, 8);
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
            if (pointer) DropRunOver(slot * 8 - Size, 8);
            Array.Fill(_bytes, pointer ? StackByte.Uninitialized : StackByte.Scalar, slot * 8, 8);
            _spills.Remove(slot);
        }
        if (certain) Array.Fill(_bytes, StackByte.Scalar, start, size);
    }

    /// <summary>
    /// A scalar store of <paramref name="size"/> bytes at <paramref name="pointer"/> + <paramref name="offset"/>
    /// that lies at a known distance (by their links, or as constants) within <see cref="PendingBytes"/> past
    /// where the filled run ends is remembered; once the bytes from the end on are all written, the run
    /// extends over them.
    /// </summary>
    public void ExtendRun(RegisterValue pointer, long offset, int size)
    {
        if (!HasRun) return;
        var end = _runEnd;
        long? gap = end.Id != 0
            ? (end.Id == pointer.Id && end.Scale == pointer.Scale ? pointer.Delta + offset - end.Delta : null)
            : (end.Value.IsConst && pointer.Value.IsConst ? (long)pointer.Value.UMin + offset - (long)end.Value.UMin : null);
        if (gap is not long k || k < 0 || k + size > PendingBytes) return;
        _pending |= (ulong.MaxValue >> (64 - size)) << (int)k;
        int filled = BitOperations.TrailingZeroCount(~_pending);
        if (filled == 0) return;
        _pending = filled == PendingBytes ? 0 : _pending >> filled;
        var after = ScalarArithmetic.Apply(Ebpf.Isa.AluOp.Add, end.Value, Scalar.Const(filled), true, false);
        _runEnd = end with { Value = after, Delta = end.Delta + filled };
    }

    private const int PendingBytes = 64;

    public void ForgetPending() => _pending = 0;

    /// <summary>A pointer in the run's bytes makes them more than scalars: the run ends (its bytes stay as the byte map says).</summary>
    private void DropRunOver(long offset, int size)
    {
        if (HasRun && offset + size > _runStart && offset < _runEnd.Value.SMax + PendingBytes) (_runEnd, _pending) = (RegisterValue.Uninitialized, 0);
    }

    /// <summary>Whether <see cref="Replace"/> would change anything (so a shared frame need not be copied).</summary>
    public bool Changes(Func<RegisterValue, RegisterValue> update)
    {
        for (int slot = 0; slot < Slots; slot++)
            if (_bytes[slot * 8] == StackByte.Spill && update(_spills[slot]) != _spills[slot]) return true;
        return HasRun && update(_runEnd) != _runEnd;
    }

    public void Replace(Func<RegisterValue, RegisterValue> update)
    {
        for (int slot = 0; slot < Slots; slot++)
            if (_bytes[slot * 8] == StackByte.Spill) _spills[slot] = update(_spills[slot]);
        if (HasRun) _runEnd = update(_runEnd);
    }

    /// <summary>
    /// The join; may return this frame itself (stored states are never mutated, blocks run on clones).
    /// <paramref name="endA"/> and <paramref name="endB"/> are where each side's run ends, as the joined
    /// run's end joins them (for relinking), or uninitialised when the join has no run.
    /// </summary>
    public StackFrame Join(StackFrame other, Thresholds? widen, out RegisterValue endA, out RegisterValue endB)
    {
        endA = endB = RegisterValue.Uninitialized;
        if (SameAs(other))
        {
            if (HasRun) endA = endB = _runEnd;
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
        if (RunStartOf(other) is not long start) return result;
        endA = EndFrom(start);
        endB = other.EndFrom(start);
        result._runStart = start;
        result._runEnd = widen is null ? endA.Join(endB) : endA.Widen(endB, widen);
        // Bytes pending on both sides past the ends the joined end stands for.
        if (HasRun && endA == _runEnd && other.HasRun && endB == other._runEnd) result._pending = _pending & other._pending;
        return result;
    }

    /// <summary>Where the joined run starts: at a side's run, else at the first byte only one side has initialised.</summary>
    private long? RunStartOf(StackFrame other)
    {
        if (HasRun) return _runStart;
        if (other.HasRun) return other._runStart;
        // Without runs, equal bytes are equally initialised: start looking where the bytes first differ.
        for (int i = _bytes.AsSpan().CommonPrefixLength(other._bytes); i < Size; i++)
            if ((ByteAt(i) == StackByte.Uninitialized) != (other.ByteAt(i) == StackByte.Uninitialized))
                return i - Size;
        return null;
    }

    /// <summary>
    /// Where this side's initialised bytes from <paramref name="start"/> end: its run's end when that is a
    /// constant or linked (so the join can relink it), else the constant end of what it surely holds.
    /// </summary>
    private RegisterValue EndFrom(long start)
    {
        if (HasRun && _runStart == start && (_runEnd.Id != 0 || _runEnd.Value.IsConst)) return _runEnd;
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

    public bool SameAs(StackFrame other) =>
        ReferenceEquals(this, other) || _runStart == other._runStart && _runEnd == other._runEnd && _pending == other._pending
        && _bytes.AsSpan().SequenceEqual(other._bytes) && _spills.SameAs(other._spills);
}
