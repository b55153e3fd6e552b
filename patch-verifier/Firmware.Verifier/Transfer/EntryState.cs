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
        ArgumentKind.Buffer? buffer = null;
        for (int i = 0; i < options.Arguments.Count && i < 4; i++)
        {
            int register = i + 2;
            var argument = options.Arguments[i];
            // One buffer length is tracked per state; a second buffer stays an opaque scalar, never dereferenceable.
            if (argument is ArgumentKind.Buffer b && buffer is null)
            {
                buffer = b;
                registers[register] = new RegisterValue(ValueKind.Buffer, Scalar.Zero);
                continue;
            }
            registers[register] = RegisterValue.Of(argument is ArgumentKind.Constant c ? Scalar.Const(c.Value) : Scalar.Unknown);
        }
        if (buffer is not null)
            registers[buffer.LengthRegister] = registers[buffer.LengthRegister] with { Id = AbstractState.BufferLengthId };
        return new AbstractState([new Frame(registers, new StackFrame(), -1)], Scalar.Unsigned(0, ulong.MaxValue), Zone.Empty);
    }
}
