using Iced.Intel;

namespace Firmware.Device.Hooks.X64;

/// <summary>
/// The instructions an inline hook's jump overwrites, decoded so they can be re-encoded in a trampoline
/// (Iced's BlockEncoder fixes RIP-relative operands and branches for the new address).
/// Refuses, with the reason, entries that cannot be patched safely while other threads run:
/// <list type="bullet">
/// <item>the first instruction must cover the whole jump, so no running thread can be between two of the
/// overwritten instructions when the jump appears;</item>
/// <item>the jump must lie in one aligned 8-byte word, so it is written with one atomic store;</item>
/// <item>nothing in the function may branch into the overwritten bytes.</item>
/// </list>
/// </summary>
public static class PrologueRelocator
{
    /// <summary>jmp rel32.</summary>
    public const int JumpBytes = 5;

    public static unsafe IReadOnlyList<Instruction> Relocate(nint entry, ulong functionSize, string name)
    {
        ulong size = functionSize > 0 ? functionSize : 64;
        var decoder = Decoder.Create(64, new UnmanagedCodeReader((byte*)entry, (int)Math.Min(size, 1 << 20)), (ulong)entry);
        var first = decoder.Decode();
        if (first.IsInvalid)
            throw new HookException(name, "the entry does not decode as an x86-64 instruction");
        if (first.Length < JumpBytes)
            throw new HookException(name, $"the first instruction ({first}) is {first.Length} bytes; a {JumpBytes}-byte jump over it could split instructions a running thread is between");
        if (first.FlowControl is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch or FlowControl.Interrupt)
            throw new HookException(name, $"the first instruction ({first}) leaves the function; there is no prologue to relocate");
        if ((entry & 7) + JumpBytes > 8)
            throw new HookException(name, $"the entry 0x{entry:x} is not placed so that a {JumpBytes}-byte jump fits one aligned 8-byte word");
        CheckNoBranchInto(decoder, (ulong)entry, (ulong)entry + (ulong)first.Length, name);
        return [first];
    }

    /// <summary>Scans the rest of the function (its symbol size, else 64 bytes) for near branches into the relocated bytes.</summary>
    private static void CheckNoBranchInto(Decoder decoder, ulong start, ulong end, string name)
    {
        for (var instruction = decoder.Decode(); !instruction.IsInvalid; instruction = decoder.Decode())
        {
            if ((instruction.IsJccShortOrNear || instruction.IsJmpShortOrNear || instruction.IsJcxShort || instruction.IsLoop)
                && instruction.NearBranchTarget > start && instruction.NearBranchTarget < end)
                throw new HookException(name, $"{instruction} at 0x{instruction.IP:x} branches into the bytes the hook overwrites");
        }
    }

    /// <summary>Iced reads the live function bytes directly.</summary>
    private sealed unsafe class UnmanagedCodeReader(byte* start, int length) : CodeReader
    {
        private int _offset;

        public override int ReadByte() => _offset < length ? start[_offset++] : -1;
    }
}
