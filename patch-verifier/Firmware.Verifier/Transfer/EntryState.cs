using Firmware.Ebpf.Isa;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>The state at instruction 0: r1 = context, r2..r5 as the hook passes them, r10 = frame top, stack uninitialised.</summary>
internal static class EntryState
{
    public static AbstractState Create(VerifierOptions options)
    {
        var registers = new RegisterValue[Register.Count];
        Array.Fill(registers, RegisterValue.Uninitialized);
        registers[Register.R1] = new RegisterValue(ValueKind.Context, Scalar.Zero);
        registers[Register.FramePointer] = new RegisterValue(ValueKind.Stack, Scalar.Zero, 0);
        for (int i = 0; i < options.Arguments.Count && i < 4; i++)
        {
            int register = i + 2;
            registers[register] = options.Arguments[i] switch
            {
                ArgumentKind.Constant c => RegisterValue.Of(Scalar.Const(c.Value)),
                ArgumentKind.Buffer => new RegisterValue(ValueKind.Buffer, Scalar.Zero),
                _ => RegisterValue.Of(Scalar.Unknown),
            };
        }
        foreach (var argument in options.Arguments)
            if (argument is ArgumentKind.Buffer buffer)
                registers[buffer.LengthRegister] = registers[buffer.LengthRegister] with { Id = AbstractState.BufferLengthId };
        return new AbstractState([new Frame(registers, new StackFrame(), -1)], Scalar.Unsigned(0, ulong.MaxValue));
    }
}
