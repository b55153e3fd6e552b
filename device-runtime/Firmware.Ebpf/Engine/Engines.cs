using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.Arm64;
using Firmware.Ebpf.Jit.X64;

namespace Firmware.Ebpf.Engine;

/// <summary>The engines by the names users give on the command line (--engine).</summary>
public static class Engines
{
    public const string Interpreter = "interpreter";
    public const string X64 = "x64";
    public const string Arm64 = "arm64";

    /// <summary>
    /// The engines this machine can run: the interpreter everywhere, the x64 JIT on Linux x86-64, the arm64
    /// JIT on Linux AArch64.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
        X64Jit.IsSupported ? [Interpreter, X64]
        : Arm64Jit.IsSupported ? [Interpreter, Arm64]
        : [Interpreter];

    /// <param name="proofs">What the verifier proved: every engine leaves those accesses unchecked.</param>
    public static IEngine Create(string name, ProgramInstance instance, IAccessProofs? proofs = null) => name switch
    {
        Interpreter => new Interpreter.Interpreter(instance, proofs),
        X64 when X64Jit.IsSupported => X64Jit.CreateEngine(instance, proofs),
        Arm64 when Arm64Jit.IsSupported => Arm64Jit.CreateEngine(instance, proofs),
        _ => throw new ArgumentException($"unknown engine '{name}' (available: {string.Join(", ", Names)})", nameof(name)),
    };
}
