using System.Numerics;

namespace Firmware.Verifier.Domains;

/// <summary>
/// The register values spilled in a frame's 64 slots, stored only for the slots that hold one (a bit per
/// slot, the values in slot order). A frame is copied for every block that writes its stack and every
/// join where stacks differ, and most frames spill a few registers: a full array copied 64 values of 80
/// bytes each time and kept them in every stored state. A slot without a value reads as the default
/// value, as an array's empty element did.
/// </summary>
internal sealed class SpillSlots
{
    private ulong _held;
    private RegisterValue[] _values = [];

    public SpillSlots Copy() => new() { _held = _held, _values = _values.Length == 0 ? _values : (RegisterValue[])_values.Clone() };

    public RegisterValue this[int slot]
    {
        get => Holds(slot) ? _values[Position(slot)] : default;
        set
        {
            if (Holds(slot))
            {
                _values[Position(slot)] = value;
                return;
            }
            int position = Position(slot);
            var values = new RegisterValue[_values.Length + 1];
            _values.AsSpan(0, position).CopyTo(values);
            values[position] = value;
            _values.AsSpan(position).CopyTo(values.AsSpan(position + 1));
            (_values, _held) = (values, _held | Bit(slot));
        }
    }

    /// <summary>Empties the slot (it reads as the default value again).</summary>
    public void Remove(int slot)
    {
        if (!Holds(slot)) return;
        int position = Position(slot);
        var values = new RegisterValue[_values.Length - 1];
        _values.AsSpan(0, position).CopyTo(values);
        _values.AsSpan(position + 1).CopyTo(values.AsSpan(position));
        (_values, _held) = (values, _held & ~Bit(slot));
    }

    /// <summary>Whether every slot reads the same in both (as comparing two full arrays did).</summary>
    public bool SameAs(SpillSlots other)
    {
        if (_held == other._held) return _values.AsSpan().SequenceEqual(other._values);
        for (ulong slots = _held | other._held; slots != 0; slots &= slots - 1)
        {
            int slot = BitOperations.TrailingZeroCount(slots);
            if (this[slot] != other[slot]) return false;
        }
        return true;
    }

    private bool Holds(int slot) => (_held & Bit(slot)) != 0;

    private int Position(int slot) => BitOperations.PopCount(_held & (Bit(slot) - 1));

    private static ulong Bit(int slot) => 1UL << slot;
}
