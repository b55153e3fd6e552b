using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;

namespace Firmware.Device.Hooks.Arm64;

/// <summary>AArch64: one B (imm26, ±128 MiB) at the entry over a first instruction <see cref="PrologueRelocator"/> rewrote.</summary>
internal sealed class Arm64HookArchitecture : HookArchitecture
{
    public override long Reach => PrologueRelocator.BranchReach;

    public override Func<ulong, byte[]> PrepareStub(nint entry, ulong functionSize, string name, HookStubTarget target)
    {
        var relocated = PrologueRelocator.Relocate(entry, functionSize, name);
        return address => Arm64HookStub.Encode(address, target, relocated, (ulong)entry + 4);
    }

    /// <summary>
    /// The B replaces one aligned word with one single-copy-atomic store, and the cache maintenance after it
    /// makes it visible to instruction fetch. The ARM ARM guarantees concurrent modification and execution
    /// only when both the old and the new instruction are among B, BL, NOP, BRK, SVC, HVC, SMC; the old
    /// one here is the function's first instruction. What fetch can see of an aligned word store is still
    /// the old word or the new one: implementations (and qemu, which retranslates a page written to) fetch
    /// whole aligned words.
    /// </summary>
    public override void WriteBranch(nint entry, nint stub, string name)
    {
        long offset = (long)stub - (long)entry;
        if (Math.Abs(offset) > Reach)
            throw new HookException(name, $"the stub at 0x{stub:x} is out of B's ±128 MiB reach of 0x{entry:x}");
        EntryPatch.Store(entry, UnconditionalBranchImmediate(false, offset), name);
    }
}
