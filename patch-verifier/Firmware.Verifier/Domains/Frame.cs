namespace Firmware.Verifier.Domains;

/// <summary>One function activation: its registers, its stack and where it returns to.</summary>
internal sealed class Frame(RegisterValue[] registers, StackFrame stack, int returnPc)
{
    public RegisterValue[] Registers { get; } = registers;
    public StackFrame Stack { get; private set; } = stack;

    /// <summary>Set when <see cref="Stack"/> is another frame's (a join of equal stacks): copied before its first change.</summary>
    private bool _stackShared;
    /// <summary>The instruction after the call that created this frame; -1 for the program's entry.</summary>
    public int ReturnPc { get; } = returnPc;

    public Frame Clone() => new((RegisterValue[])Registers.Clone(), Stack.Clone(), ReturnPc);

    /// <param name="depth">This frame's call depth: ids a join creates are per frame, so they must differ between frames.</param>
    public Frame Join(Frame other, Thresholds? widen, int depth)
    {
        var registers = new RegisterValue[Registers.Length];
        for (int i = 0; i < registers.Length; i++)
            registers[i] = widen is null ? Registers[i].Join(other.Registers[i]) : Registers[i].Widen(other.Registers[i], widen);
        var stack = Stack.Join(other.Stack, widen);
        var joined = new Frame(registers, stack, ReturnPc) { _stackShared = ReferenceEquals(stack, Stack) || ReferenceEquals(stack, other.Stack) };
        Links.Relink(joined, this, other, depth);
        return joined;
    }

    /// <summary>Registers first, then the stack's spill slots: the values links can tie together.</summary>
    public const int Variables = 11 + StackFrame.Slots;

    /// <summary>Variable <paramref name="index"/>: a register, or a spill slot (uninitialised when the slot holds no spill).</summary>
    public RegisterValue Variable(int index) =>
        index < Registers.Length ? Registers[index] : Stack.SpillInSlot(index - Registers.Length) ?? RegisterValue.Uninitialized;

    /// <summary>Sets a variable that holds a value (see <see cref="Variable"/>); the stack must not be shared.</summary>
    public void SetVariable(int index, RegisterValue value)
    {
        if (index < Registers.Length) Registers[index] = value;
        else
        {
            if (_stackShared)
            {
                Stack = Stack.Clone();
                _stackShared = false;
            }
            Stack.SetSpillInSlot(index - Registers.Length, value);
        }
    }

    public bool SameAs(Frame other) => Registers.AsSpan().SequenceEqual(other.Registers) && Stack.SameAs(other.Stack);
}
