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

/// <summary>One 512-byte frame, tracked per byte; aligned 8-byte stores keep the register's full abstract value.</summary>
internal sealed class StackFrame
{
    public const int Size = 512;
    public const int Slots = Size / 8;

    private readonly StackByte[] _bytes = new StackByte[Size];
    private readonly RegisterValue[] _spills = new RegisterValue[Slots];

    public StackFrame Clone()
    {
        var copy = new StackFrame();
        _bytes.CopyTo(copy._bytes, 0);
        _spills.CopyTo(copy._spills, 0);
        return copy;
    }

    /// <summary>Index of the byte at frame offset <paramref name="offset"/> (negative, from r10).</summary>
    private static int Index(long offset) => (int)(offset + Size);

    public StackByte ByteAt(long offset) => _bytes[Index(offset)];

    public RegisterValue? SpillAt(long offset) =>
        offset % 8 == 0 && _bytes[Index(offset)] == StackByte.Spill ? _spills[Index(offset) / 8] : null;

    /// <summary>The value spilled in 8-byte slot <paramref name="slot"/> (0 is the lowest address), if the slot holds one.</summary>
    public RegisterValue? SpillInSlot(int slot) => _bytes[slot * 8] == StackByte.Spill ? _spills[slot] : null;

    /// <summary>Replaces the value of a slot that holds a spill (its links change, not its kind).</summary>
    public void SetSpillInSlot(int slot, RegisterValue value) => _spills[slot] = value;

    public void Spill(long offset, RegisterValue value)
    {
        int index = Index(offset);
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
            var rest = _spills[slot].IsPointer ? StackByte.Uninitialized : StackByte.Scalar;
            Array.Fill(_bytes, rest, slot * 8, 8);
            _spills[slot] = default;
        }
        if (certain) Array.Fill(_bytes, StackByte.Scalar, start, size);
    }

    public void Replace(Func<RegisterValue, RegisterValue> update)
    {
        for (int slot = 0; slot < Slots; slot++)
            if (_bytes[slot * 8] == StackByte.Spill) _spills[slot] = update(_spills[slot]);
    }

    /// <summary>The join; may return this frame itself (stored states are never mutated, blocks run on clones).</summary>
    public StackFrame Join(StackFrame other, Thresholds? widen)
    {
        if (SameAs(other)) return this;
        var result = new StackFrame();
        for (int i = 0; i < Size; i++)
            result._bytes[i] = JoinByte(_bytes[i], other._bytes[i], HoldsPointer(i), other.HoldsPointer(i));
        for (int slot = 0; slot < Slots; slot++)
        {
            if (result._bytes[slot * 8] != StackByte.Spill) continue;
            // Links survive as in registers (the frame's join relinks both); a kind that differs is unusable as a
            // pointer, and readable only if both sides held scalars, which they did not.
            var joined = widen is null ? _spills[slot].Join(other._spills[slot]) : _spills[slot].Widen(other._spills[slot], widen);
            result._spills[slot] = joined.IsInitialized ? joined : RegisterValue.Conflict;
        }
        return result;
    }

    /// <summary>Spills are whole slots, so bytes that are spills on both sides stay spills.</summary>
    private static StackByte JoinByte(StackByte a, StackByte b, bool aPointer, bool bPointer) =>
        a == b ? a
        : a == StackByte.Uninitialized || b == StackByte.Uninitialized || aPointer || bPointer ? StackByte.Uninitialized
        : StackByte.Scalar;

    private bool HoldsPointer(int index) => _bytes[index] == StackByte.Spill && _spills[index / 8].IsPointer;

    public bool SameAs(StackFrame other) =>
        _bytes.AsSpan().SequenceEqual(other._bytes) && _spills.AsSpan().SequenceEqual(other._spills);
}
