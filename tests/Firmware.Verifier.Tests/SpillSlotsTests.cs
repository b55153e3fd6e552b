using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Tests;

/// <summary>
/// <see cref="SpillSlots"/> against the full array of 64 values it replaced: after random writes and
/// removals every slot reads as the array does, SameAs agrees with comparing the arrays (also when a
/// slot was written the default value), and a copy changes independently of its original.
/// </summary>
public sealed class SpillSlotsTests
{
    /// <summary>Few slots and few values, so that writes hit held slots and two sides often agree.</summary>
    private static readonly int[] UsedSlots = [0, 1, 2, 31, 62, 63];

    private static readonly RegisterValue[] Values =
        [default, RegisterValue.Of(Scalar.Const(1)), RegisterValue.Of(Scalar.Unsigned(0, 64)), RegisterValue.Conflict];

    [Fact]
    public void Sparse_slots_read_and_compare_as_a_full_array()
    {
        var random = new Random(20261127);
        int same = 0;
        for (int round = 0; round < 300; round++)
        {
            var (a, modelA) = (new SpillSlots(), new RegisterValue[StackFrame.Slots]);
            var (b, modelB) = (new SpillSlots(), new RegisterValue[StackFrame.Slots]);
            for (int step = 0; step < 20; step++)
            {
                Change(random, a, modelA);
                Change(random, b, modelB);
                for (int slot = 0; slot < StackFrame.Slots; slot++)
                    Assert.Equal(modelA[slot], a[slot]);
                bool equal = modelA.AsSpan().SequenceEqual(modelB);
                Assert.Equal(equal, a.SameAs(b));
                Assert.Equal(equal, b.SameAs(a));
                if (equal) same++;
            }
            var copy = a.Copy();
            var before = (RegisterValue[])modelA.Clone();
            copy[UsedSlots[0]] = RegisterValue.Of(Scalar.Const(7));
            copy.Remove(UsedSlots[^1]);
            for (int slot = 0; slot < StackFrame.Slots; slot++)
                Assert.Equal(before[slot], a[slot]);
        }
        Assert.True(same > 100, $"only {same} equal pairs: the comparison of equal sides went untested");
    }

    private static void Change(Random random, SpillSlots slots, RegisterValue[] model)
    {
        int slot = UsedSlots[random.Next(UsedSlots.Length)];
        if (random.Next(3) == 0)
        {
            slots.Remove(slot);
            model[slot] = default;
            return;
        }
        var value = Values[random.Next(Values.Length)];
        slots[slot] = value;
        model[slot] = value;
    }
}
