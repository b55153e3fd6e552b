using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>LDX, ST, STX and atomics.</summary>
internal static class MemoryTransfer
{
    public static void Load(Step step, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize);
        var pointer = step.Read(insn.Src);
        var exact = ExactSpill(step, pointer, insn.Offset, size);
        MemoryAccess.Check(step, insn.Src, pointer, insn.Offset, size, Access.Read, forbidPointers: exact is null);
        step.MarkProven();
        if (exact is { } spilled)
        {
            // A fill is a copy of the spilled value: both keep one id.
            exact = Copies.Linkable(step, spilled);
            if (exact != spilled) step.State.Frames[pointer.Region].WritableStack.Spill(pointer.Value.SMin + insn.Offset, exact.Value);
        }
        var loaded = exact ?? RegisterValue.Of(Scalar.OfWidth(size));
        if (insn.AccessMode == AccessMode.MemSx && loaded.Kind == ValueKind.Scalar)
            loaded = RegisterValue.Of(loaded.Value.SignExtend(size * 8));
        step.Registers[insn.Dst] = loaded;
    }

    public static void Store(Step step, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize);
        var pointer = step.Read(insn.Dst);
        var value = insn.Class == InstructionClass.St
            ? RegisterValue.Of(Scalar.Const((long)insn.Imm))
            : step.Read(insn.Src);
        MemoryAccess.Check(step, insn.Dst, pointer, insn.Offset, size, Access.Write);
        if (value.IsPointer && !(pointer.Kind == ValueKind.Stack && size == 8))
            step.Fail($"pointer leak: r{insn.Src} ({value}) stored into {MemoryAccess.Describe(pointer)}; only whole 8-byte stack slots may hold pointers");
        step.MarkProven();
        if (pointer.Kind != ValueKind.Stack) return;
        var frame = step.State.Frames[pointer.Region].WritableStack;
        long offset = pointer.Value.SMin + insn.Offset;
        if (pointer.Value.IsConst && size == 8 && offset % 8 == 0)
        {
            if (insn.Class == InstructionClass.Stx)
            {
                // A spill is a copy of the register: both keep one id.
                value = Copies.Linkable(step, value);
                step.Registers[insn.Src] = value;
            }
            frame.Spill(offset, value);
        }
        else if (value.IsPointer)
            step.Fail($"pointer r{insn.Src} ({value}) stored to a misaligned or variable stack offset");
        else
        {
            frame.WriteScalar(offset, (int)(pointer.Value.SMax - pointer.Value.SMin) + size, certain: pointer.Value.IsConst);
            frame.ExtendRuns(pointer, insn.Offset, size);
        }
    }

    public static void Atomic(Step step, Instruction insn)
    {
        int size = Opcode.Bytes(insn.AccessSize);
        var pointer = step.Read(insn.Dst);
        step.ReadScalar(insn.Src, "atomic operand");
        MemoryAccess.Check(step, insn.Dst, pointer, insn.Offset, size, Access.ReadWrite, forbidPointers: true);
        // Engines fault on misaligned atomics; regions start 8-byte aligned, so the offset decides.
        var address = pointer.Value.Bits.Add(Tnum.Const((ulong)(long)insn.Offset));
        if ((address.Value | address.Mask) % (ulong)size != 0)
            step.Fail($"atomic update of {size} bytes at {MemoryAccess.Describe(pointer)}+{pointer.Value} {insn.Offset:+#;-#;+0} may be misaligned");
        step.MarkProven();
        if (pointer.Kind == ValueKind.Stack)
            step.State.Frames[pointer.Region].WritableStack.WriteScalar(pointer.Value.SMin + insn.Offset,
                (int)(pointer.Value.SMax - pointer.Value.SMin) + size, certain: pointer.Value.IsConst);
        if (insn.Imm == AtomicOp.CmpXchg)
        {
            step.ReadScalar(Register.R0, "cmpxchg comparand");
            step.Registers[Register.R0] = RegisterValue.Of(Scalar.OfWidth(size));
        }
        else if ((insn.Imm & AtomicOp.Fetch) != 0)
            step.Registers[insn.Src] = RegisterValue.Of(Scalar.OfWidth(size));
    }

    /// <summary>An aligned 8-byte load of a whole spilled register gives back its full abstract value.</summary>
    private static RegisterValue? ExactSpill(Step step, RegisterValue pointer, short offset, int size)
    {
        if (pointer.Kind != ValueKind.Stack || !pointer.Value.IsConst || size != 8) return null;
        long at = pointer.Value.SMin + offset;
        if (at < -StackFrame.Size || at > -8) return null;
        return step.State.Frames[pointer.Region].Stack.SpillAt(at);
    }
}
