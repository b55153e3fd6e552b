using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Jit;

/// <summary>What a code generator emits for each kind of instruction (JitCompiler's JITs, the Thumb-2 generator).</summary>
internal interface IInstructionEmitter
{
    void EmitAlu(Instruction insn);

    /// <summary>lddw: both slots.</summary>
    void EmitLddw(int pc, Instruction first, Instruction second);

    void EmitLoad(int pc, Instruction insn);

    void EmitStore(int pc, Instruction insn);

    void EmitAtomic(int pc, Instruction insn);

    /// <summary>Helper calls, callx and local calls.</summary>
    void EmitCall(int pc, Instruction insn);

    /// <summary>exit: return from the current function (the program at depth 0).</summary>
    void EmitExit();

    /// <summary>ja, ja32 and the conditional jumps; a <paramref name="target"/> at or before <paramref name="pc"/> is a back edge.</summary>
    void EmitJump(int pc, Instruction insn, int target);
}

/// <summary>The one place that maps an eBPF instruction to the emitter of its kind.</summary>
internal static class InstructionDispatch
{
    /// <summary>Emits instruction <paramref name="pc"/> of <paramref name="code"/> (both slots of a lddw) through <paramref name="emitter"/>.</summary>
    public static void Emit(IInstructionEmitter emitter, Instruction[] code, int pc)
    {
        var insn = code[pc];
        switch (insn.Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
                emitter.EmitAlu(insn);
                break;
            case InstructionClass.Ld:
                emitter.EmitLddw(pc, insn, code[pc + 1]);
                break;
            case InstructionClass.Ldx:
                emitter.EmitLoad(pc, insn);
                break;
            case InstructionClass.Stx when insn.AccessMode == AccessMode.Atomic:
                emitter.EmitAtomic(pc, insn);
                break;
            case InstructionClass.St or InstructionClass.Stx:
                emitter.EmitStore(pc, insn);
                break;
            case InstructionClass.Jmp when insn.JmpOp == JmpOp.Call:
                emitter.EmitCall(pc, insn);
                break;
            case InstructionClass.Jmp when insn.JmpOp == JmpOp.Exit:
                emitter.EmitExit();
                break;
            default:
                emitter.EmitJump(pc, insn, ProgramAnalysis.JumpTarget(insn, pc)!.Value);
                break;
        }
    }
}
