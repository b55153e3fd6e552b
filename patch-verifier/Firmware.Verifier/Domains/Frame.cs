namespace Firmware.Verifier.Domains;

/// <summary>One function activation: its registers, its stack and where it returns to.</summary>
internal sealed class Frame(RegisterValue[] registers, StackFrame stack, int returnPc)
{
    public RegisterValue[] Registers { get; } = registers;
    /// <summary>The stack, for reading; <see cref="WritableStack"/> for changing it.</summary>
    public StackFrame Stack { get; private set; } = stack;

    /// <summary>
    /// Set when <see cref="Stack"/> may be another frame's (clones and joins share stacks, most blocks
    /// never write theirs): it is copied before its first change.
    /// </summary>
    private bool _stackShared;

    public StackFrame WritableStack
    {
        get
        {
            if (_stackShared)
            {
                Stack = Stack.Clone();
                _stackShared = false;
            }
            return Stack;
        }
    }
    /// <summary>The instruction after the call that created this frame; -1 for the program's entry.</summary>
    public int ReturnPc { get; } = returnPc;

    public Frame Clone()
    {
        _stackShared = true;
        return new((RegisterValue[])Registers.Clone(), Stack, ReturnPc) { _stackShared = true };
    }

    /// <summary>Applies <paramref name="update"/> to every register and spilled value (id propagation).</summary>
    public void UpdateAll(Func<RegisterValue, RegisterValue> update)
    {
        for (int r = 0; r < Registers.Length; r++) Registers[r] = update(Registers[r]);
        if (Stack.Changes(update)) WritableStack.Replace(update);
    }

    /// <param name="depth">This frame's call depth: ids a join creates are per frame, so they must differ between frames.</param>
    public Frame Join(Frame other, Thresholds? widen, int depth)
    {
        var registers = new RegisterValue[Registers.Length];
        for (int i = 0; i < registers.Length; i++)
            registers[i] = widen is null ? Registers[i].Join(other.Registers[i]) : Registers[i].Widen(other.Registers[i], widen);
        Span<RegisterValue> endsA = stackalloc RegisterValue[StackFrame.MaxRuns], endsB = stackalloc RegisterValue[StackFrame.MaxRuns];
        var stack = Stack.Join(other.Stack, widen, endsA, endsB);
        var joined = new Frame(registers, stack, ReturnPc) { _stackShared = ReferenceEquals(stack, Stack) || ReferenceEquals(stack, other.Stack) };
        Span<int> held = stackalloc int[Variables];
        held = held[..joined.HeldVariables(held)];
        Span<RegisterValue> a = stackalloc RegisterValue[Variables], b = stackalloc RegisterValue[Variables];
        CopyVariables(a, held, endsA[..stack.RunCount]);
        other.CopyVariables(b, held, endsB[..stack.RunCount]);
        Links.Relink(joined, held, a, b, depth);
        for (int r = 0; r < stack.RunCount; r++)
            if (stack.RunEnd(r).Id == 0) Links.LinkRunEnd(joined, held, a, b, depth, FirstRunEnd + r);
        return joined;
    }

    /// <summary>Registers, then the stack's spill slots, then where its filled runs end: the values links can tie together.</summary>
    public const int Variables = FirstRunEnd + StackFrame.MaxRuns;

    /// <summary>The variable where the stack's first filled run ends.</summary>
    public const int FirstRunEnd = 11 + StackFrame.Slots;

    /// <summary>Variable <paramref name="index"/>; uninitialised for a slot without a spill or a run the stack does not have.</summary>
    public RegisterValue Variable(int index) =>
        index < Registers.Length ? Registers[index]
        : index < FirstRunEnd ? Stack.SpillInSlot(index - Registers.Length) ?? RegisterValue.Uninitialized
        : index - FirstRunEnd < Stack.RunCount ? Stack.RunEnd(index - FirstRunEnd) : RegisterValue.Uninitialized;

    /// <summary>
    /// Writes the indices of the variables that hold a value into <paramref name="into"/>, in order, and
    /// returns how many: every register, the slots holding a spill, the runs' ends. The
    /// rest read as uninitialised, which no link or bound involves, so joins visit only these: most of a
    /// frame's 79 variables are empty stack slots.
    /// </summary>
    public int HeldVariables(Span<int> into)
    {
        int count = 0;
        for (int r = 0; r < Registers.Length; r++) into[count++] = r;
        for (int slot = 0; slot < StackFrame.Slots; slot++)
            if (Stack.HoldsSpill(slot)) into[count++] = Registers.Length + slot;
        for (int r = 0; r < Stack.RunCount; r++) into[count++] = FirstRunEnd + r;
        return count;
    }

    /// <summary>
    /// The variables as a join sees this side, at the joined frame's <paramref name="held"/> indices (a
    /// join reads no others): <paramref name="runEnds"/> are where the stack join says its runs end.
    /// </summary>
    private void CopyVariables(Span<RegisterValue> into, ReadOnlySpan<int> held, ReadOnlySpan<RegisterValue> runEnds)
    {
        foreach (int i in held) into[i] = Variable(i);
        runEnds.CopyTo(into[FirstRunEnd..]);
    }

    /// <summary>Sets a variable that holds a value (see <see cref="Variable"/>).</summary>
    public void SetVariable(int index, RegisterValue value)
    {
        if (index < Registers.Length)
        {
            Registers[index] = value;
            return;
        }
        if (index < FirstRunEnd) WritableStack.SetSpillInSlot(index - Registers.Length, value);
        else WritableStack.SetRunEnd(index - FirstRunEnd, value);
    }

    public bool SameAs(Frame other) => Registers.AsSpan().SequenceEqual(other.Registers) && Stack.SameAs(other.Stack);
}
