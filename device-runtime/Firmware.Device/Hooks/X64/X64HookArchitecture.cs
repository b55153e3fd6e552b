using Firmware.Ebpf.Jit;

namespace Firmware.Device.Hooks.X64;

/// <summary>x86-64: a jmp rel32 at the entry (±2 GiB) over a first instruction Iced re-encodes in the stub.</summary>
internal sealed class X64HookArchitecture : HookArchitecture
{
    public override long Reach => ExecutableMemory.Rel32Reach;

    public override Func<ulong, byte[]> PrepareStub(nint entry, ulong functionSize, string name, HookStubTarget target)
    {
        var relocated = PrologueRelocator.Relocate(entry, functionSize, name);
        ulong resume = (ulong)entry + (ulong)relocated.Sum(i => i.Length);
        return address => X64HookStub.Encode(address, target, relocated, resume);
    }

    /// <summary>The jmp's five bytes lie in one aligned 8-byte word (<see cref="PrologueRelocator"/> checked it): that word is stored whole.</summary>
    public override unsafe void WriteBranch(nint entry, nint stub, string name)
    {
        long displacement = (long)stub - ((long)entry + PrologueRelocator.JumpBytes);
        if (displacement is < int.MinValue or > int.MaxValue)
            throw new HookException(name, $"the stub at 0x{stub:x} is out of rel32 reach of 0x{entry:x}");
        nint word = entry & ~7;
        int offset = (int)(entry - word);
        Span<byte> bytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(bytes, *(ulong*)word);
        bytes[offset] = 0xE9;
        BitConverter.TryWriteBytes(bytes[(offset + 1)..], (int)displacement);
        EntryPatch.Store(word, BitConverter.ToUInt64(bytes), name);
    }
}
