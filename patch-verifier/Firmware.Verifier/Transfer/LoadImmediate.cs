using Firmware.Ebpf.Isa;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>lddw: a constant, a map handle, or a pointer into a global data section's value.</summary>
internal static class LoadImmediate
{
    public static void Execute(Step step, Instruction insn, Instruction next)
    {
        var kind = (LddwKind)insn.Src;
        if (kind is LddwKind.MapByIndex or LddwKind.MapValueByIndex && (uint)insn.Imm >= (uint)step.Program.Maps.Count)
            step.Fail($"lddw refers to map {insn.Imm}, but the program has {step.Program.Maps.Count}");
        step.Registers[insn.Dst] = kind switch
        {
            LddwKind.Imm64 => RegisterValue.Of(Scalar.Const(insn.Imm64(next))),
            LddwKind.MapByIndex => new RegisterValue(ValueKind.Map, Scalar.Zero, insn.Imm),
            LddwKind.MapValueByIndex => new RegisterValue(ValueKind.MapValue, Scalar.Const((long)(uint)next.Imm), insn.Imm),
            _ => Unsupported(step, kind),
        };
    }

    private static RegisterValue Unsupported(Step step, LddwKind kind)
    {
        step.Fail($"lddw of kind {kind} is not supported (load the program through the object loader)");
        return default;
    }
}
