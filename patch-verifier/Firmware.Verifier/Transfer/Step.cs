using System.Diagnostics.CodeAnalysis;
using Firmware.Ebpf.Programs;
using Firmware.Verifier.Diagnostics;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>The instruction being interpreted, its state, and the checks every transfer function shares.</summary>
internal sealed class Step(EbpfProgram program, VerifierOptions options, bool[] proven)
{
    public EbpfProgram Program { get; } = program;
    public VerifierOptions Options { get; } = options;
    public int Pc { get; set; }
    public AbstractState State { get; set; } = null!;

    public RegisterValue[] Registers => State.Registers;

    [DoesNotReturn]
    public void Fail(string message) => throw new VerificationError(Pc, message, State.ToString());

    /// <summary>A register the instruction reads: it must hold a value that is the same kind on every path.</summary>
    public RegisterValue Read(int register)
    {
        var value = Registers[register];
        if (value.Kind == ValueKind.Uninitialized) Fail($"r{register} is read before it is written");
        if (value.Kind == ValueKind.Conflict) Fail($"r{register} holds different kinds of value on different paths");
        return value;
    }

    public Scalar ReadScalar(int register, string use)
    {
        var value = Read(register);
        if (value.Kind != ValueKind.Scalar) Fail($"{use}: r{register} is a pointer ({value}), expected a scalar");
        return value.Value;
    }

    public void MarkProven() => proven[Pc] = true;
}
