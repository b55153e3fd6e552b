namespace Firmware.Verifier.Domains;

/// <summary>One function activation: its registers, its stack and where it returns to.</summary>
internal sealed class Frame(RegisterValue[] registers, StackFrame stack, int returnPc)
{
    public RegisterValue[] Registers { get; } = registers;
    public StackFrame Stack { get; } = stack;
    /// <summary>The instruction after the call that created this frame; -1 for the program's entry.</summary>
    public int ReturnPc { get; } = returnPc;

    public Frame Clone() => new((RegisterValue[])Registers.Clone(), Stack.Clone(), ReturnPc);

    public Frame Join(Frame other, Thresholds? widen)
    {
        var registers = new RegisterValue[Registers.Length];
        for (int i = 0; i < registers.Length; i++)
            registers[i] = widen is null ? Registers[i].Join(other.Registers[i]) : Registers[i].Widen(other.Registers[i], widen);
        return new(registers, Stack.Join(other.Stack, widen), ReturnPc);
    }

    public bool SameAs(Frame other) => Registers.AsSpan().SequenceEqual(other.Registers) && Stack.SameAs(other.Stack);
}
