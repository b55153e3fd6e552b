using Firmware.Ebpf.Jit.Arm64;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;

namespace Firmware.Device.Hooks.Arm64;

/// <summary>
/// The code a hooked function's entry branches to (AAPCS64):
/// <code>
/// stub:        if (*armed == 0) goto trampoline          // no patch: two loads and a branch
///              save x29, x30 (a frame record), x0..x8
///              action = dispatch(slot, x0, x1, x2, x3, &amp;result)
///              if (action) return result                 // the patch decided the function's value
///              restore x0..x8, x29, x30
/// trampoline:  the relocated first instruction
///              b entry + 4                               // the rest of the original function
/// </code>
/// x16 (IP0) is the only register used before the arguments are saved: nothing lives in it at a
/// function's entry. Only integer arguments (x0..x7) and the indirect result register (x8) are preserved:
/// the dispatcher may clobber the SIMD registers, so boards hook functions whose arguments are integers
/// and pointers (what board.json's types allow), as on x86-64.
/// </summary>
internal static class Arm64HookStub
{
    private const int Ip0 = 16, FramePointer = 29, LinkRegister = 30;

    /// <summary>The frame: x29, x30 at 0; x0..x7 at 16..72; x8 at 80; the result at 88. A multiple of 16 (sp alignment).</summary>
    private const int Frame = 96, SavedX8 = 80, Result = 88;

    public static byte[] Encode(ulong address, HookStubTarget target, RelocatedEntry relocated, ulong resume)
    {
        var a = new Arm64Assembler();
        var trampoline = a.CreateLabel();
        var restore = a.CreateLabel();

        a.MovImmediate(true, Ip0, (ulong)target.Armed);
        a.Emit(LoadStoreRegisterUnsignedImmediate(AccessBytes.Double, LoadStoreOp.Load, 0, Ip0, Ip0));
        a.Cbz(true, Ip0, trampoline);

        a.PushPair(FramePointer, LinkRegister, -Frame);
        a.MovSp(FramePointer, Arm64Assembler.Sp);
        for (int register = 0; register < 8; register += 2) a.Pair(false, register, register + 1, Arm64Assembler.Sp, 16 + register * 8);
        a.LoadStore(AccessBytes.Double, LoadStoreOp.Store, 8, Arm64Assembler.Sp, SavedX8, Ip0);
        a.Emit(AddSubtractImmediate(true, false, false, Result, false, Arm64Assembler.Sp, 5));
        for (int register = 4; register > 0; register--) a.Mov(true, register, register - 1);
        a.MovImmediate(false, 0, (ulong)target.Slot);
        a.MovImmediate(true, Ip0, (ulong)target.Dispatcher);
        a.Blr(Ip0);
        a.Cbz(false, 0, restore);
        a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, 0, Arm64Assembler.Sp, Result, Ip0);
        a.PopPair(FramePointer, LinkRegister, Frame);
        a.Ret();

        a.Bind(restore);
        for (int register = 0; register < 8; register += 2) a.Pair(true, register, register + 1, Arm64Assembler.Sp, 16 + register * 8);
        a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, 8, Arm64Assembler.Sp, SavedX8, Ip0);
        a.PopPair(FramePointer, LinkRegister, Frame);

        a.Bind(trampoline);
        foreach (uint word in relocated.Words) a.Emit(word);
        byte[] code = a.Assemble();
        if (!relocated.FallsThrough) return code;
        // Last, so its offset is known once the rest is laid out.
        uint back = UnconditionalBranchImmediate(false, (long)(resume - (address + (ulong)code.Length)));
        return [.. code, .. BitConverter.GetBytes(back)];
    }
}
