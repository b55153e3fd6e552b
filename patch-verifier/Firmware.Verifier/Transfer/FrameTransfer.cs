using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>Local calls and exits: frames are pushed and popped as the engines do (r6-r9 preserved, r1-r5 passed).</summary>
internal static class FrameTransfer
{
    public static AbstractState Call(Step step, int returnPc)
    {
        if (step.State.Frames.Count >= ProgramInstance.MaxCallDepth)
            step.Fail($"call depth exceeds {ProgramInstance.MaxCallDepth} frames");
        var state = step.State.Clone();
        var registers = new RegisterValue[Register.Count];
        Array.Fill(registers, RegisterValue.Uninitialized);
        Array.Copy(state.Registers, 1, registers, 1, 5);
        registers[Register.FramePointer] = new RegisterValue(ValueKind.Stack, Scalar.Zero, state.Frames.Count);
        state.Frames.Add(new Frame(registers, new StackFrame(), returnPc));
        return state;
    }

    /// <summary>The caller's state after the callee's exit; null at the program's exit.</summary>
    public static AbstractState? Exit(Step step)
    {
        var r0 = step.Read(Register.R0);
        if (r0.Kind != ValueKind.Scalar)
            step.Fail($"r0 is a pointer ({r0}) at exit: {(step.State.Depth == 0 ? "returning it would leak it to the hook" : "functions return scalars")}");
        if (step.State.Depth == 0) return null;
        var state = step.State.Clone();
        state.Frames.RemoveAt(state.Frames.Count - 1);
        var registers = state.Registers;
        registers[Register.R0] = r0;
        for (int r = 1; r <= 5; r++) registers[r] = RegisterValue.Uninitialized;
        // Pointers into the popped frame dangle now.
        int depth = state.Frames.Count;
        state.UpdateAll(v => v.Kind == ValueKind.Stack && v.Region >= depth ? RegisterValue.Uninitialized : v);
        return state;
    }
}
