using Firmware.Ebpf.Jit.Assembly;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;
using static Firmware.Ebpf.Jit.Arm64.Arm64Registers;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>
/// Helper calls, callx, inlined array-map lookups and local calls. Every function of the program (the
/// body, each local call's target) keeps its return address in its stack block (<see cref="Arm64Registers"/>),
/// so helper calls may clobber x30 and exit is "x30 = [sp + 32]; ret" at any depth.
/// </summary>
internal sealed partial class Arm64Compiler
{
    /// <summary>A local call's entry into its target: the return address into the new block, then the target.</summary>
    private readonly Dictionary<int, Label> _callEntries = [];

    /// <summary>
    /// Through <see cref="HelperBridge"/>: <c>bridge(r1..r5 = x0..x4, state = x5)</c> with the helper named in the
    /// state. r1..r5 are saved around the call (the interpreter leaves them unchanged); r6..r10, the state and
    /// the budget are callee-saved. Any status but Continue leaves at this call's exit site with x7 = r0.
    /// <code>
    /// stp x0, x1, [sp, #-48]!; stp x2, x3, [sp, #16]; str x4, [sp, #32]
    /// [state.CallxId = id]; state.HelperIndex = index; x5 = state; blr [state.HelperEntry]
    /// x7 = x0; restore x0..x4; cbnz state.HelperStatus, exit
    /// </code>
    /// </summary>
    protected override void EmitHelperCall(int pc, int helperIndex, int? callxRegister)
    {
        _a.PushPair(0, 1, -FrameBlock);
        _a.Pair(false, 2, 3, Arm64Assembler.Sp, 16);
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Store, 4, Arm64Assembler.Sp, 32, OffsetScratch);
        if (callxRegister is int id) StoreState(Reg(id), RunState.CallxIdOffset);
        _a.MovImmediate(false, Scratch, (uint)helperIndex);
        StoreState(Scratch, RunState.HelperIndexOffset, AccessBytes.Word);
        _a.Mov(true, 5, State);
        LoadState(Scratch, RunState.HelperEntryOffset);
        _a.Blr(Scratch);
        _a.Mov(true, Reg(Isa.Register.R0), 0);
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, 4, Arm64Assembler.Sp, 32, OffsetScratch);
        _a.Pair(true, 2, 3, Arm64Assembler.Sp, 16);
        _a.PopPair(0, 1, FrameBlock);
        LoadState(Scratch, RunState.HelperStatusOffset, AccessBytes.Word);
        _a.Cbnz(false, Scratch, ExitStub(new ExitSite(FaultKind.None, pc)));
    }

    /// <summary>
    /// map_lookup_elem on a known array map, as the helper computes it: the 4-byte key at r2 must be readable
    /// (a HelperFault otherwise), then r0 = index &lt; max_entries ? base + index * stride : 0, without a branch.
    /// </summary>
    protected override void EmitArrayLookup(int pc, ArrayMap map)
    {
        const int key = 2;
        int r0 = Reg(Isa.Register.R0);
        var (rn, offset) = EmitRegionCheck(pc, key, 0, sizeof(uint), Access.Read, FaultKind.HelperFault);
        _a.LoadStore(AccessBytes.Word, LoadStoreOp.Load, Scratch, rn, offset, OffsetScratch);
        _a.MovImmediate(true, Temp1, map.Stride);
        _a.Emit(DataProcessing3Source(true, DataProcessing3.Madd, Temp1, Arm64Assembler.Zr, Scratch, Temp2));
        _a.MovImmediate(true, r0, (ulong)map.BaseAddress);
        _a.Emit(AddSubtractShiftedRegister(true, false, false, Shift.Lsl, Temp2, 0, r0, r0));
        _a.CompareImmediate(false, Scratch, (int)map.Definition.MaxEntries, ImmediateScratch);
        _a.Emit(ConditionalSelect(true, ConditionalSelectOp.Csel, Arm64Assembler.Zr, Condition.Lo, r0, r0));
    }

    /// <summary>
    /// A fresh 512-byte frame (r10 -= 512) with r6..r9 saved in the new function's block. As in the
    /// interpreter, the depth limit is checked first, and a call to an earlier instruction is then charged
    /// like a back edge.
    /// <code>
    /// w9 = state.Depth; cmp w9, 7; b.eq depth_exceeded; [charge]; state.Depth = w9 + 1
    /// stp x19, x20, [sp, #-48]!; stp x21, x22, [sp, #16]; x23 -= 512
    /// bl entry_of_target          (entry: str x30, [sp, #32]; b target)
    /// x23 += 512; ldp x21, x22, [sp, #16]; ldp x19, x20, [sp], #48; state.Depth -= 1
    /// </code>
    /// </summary>
    protected override void EmitLocalCall(int pc, int target)
    {
        int frame = Reg(Isa.Register.FramePointer);
        LoadState(Scratch, RunState.DepthOffset, AccessBytes.Word);
        _a.CompareImmediate(false, Scratch, ProgramInstance.MaxCallDepth - 1, ImmediateScratch);
        _a.BCond(Condition.Eq, ExitStub(new ExitSite(FaultKind.CallDepthExceeded, pc)));
        if (target <= pc) ChargeBackEdge(pc, target);
        _a.AddImmediate(false, Scratch, Scratch, 1, ImmediateScratch);
        StoreState(Scratch, RunState.DepthOffset, AccessBytes.Word);
        _a.PushPair(Reg(6), Reg(7), -FrameBlock);
        _a.Pair(false, Reg(8), Reg(9), Arm64Assembler.Sp, 16);
        _a.AddImmediate(true, frame, frame, -ProgramInstance.StackFrameSize, ImmediateScratch);
        _a.Bl(CallEntry(target));
        _a.AddImmediate(true, frame, frame, ProgramInstance.StackFrameSize, ImmediateScratch);
        _a.Pair(true, Reg(8), Reg(9), Arm64Assembler.Sp, 16);
        _a.PopPair(Reg(6), Reg(7), FrameBlock);
        LoadState(Scratch, RunState.DepthOffset, AccessBytes.Word);
        _a.AddImmediate(false, Scratch, Scratch, -1, ImmediateScratch);
        StoreState(Scratch, RunState.DepthOffset, AccessBytes.Word);
    }

    private Label CallEntry(int target)
    {
        if (_callEntries.TryGetValue(target, out var entry)) return entry;
        entry = _a.CreateLabel();
        _callEntries[target] = entry;
        var label = LabelOf(target);
        _cold.Add(() =>
        {
            _a.Bind(entry);
            StoreReturnAddress();
            _a.B(label);
        });
        return entry;
    }
}
