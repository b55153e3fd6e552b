using Firmware.Device.Hooks;
using Firmware.Device.Hooks.X64;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Jit;

namespace Firmware.Device.Tests;

/// <summary>
/// Inline hooks on hand-made x86-64 functions: entries that cannot be patched safely while threads run
/// are refused with the reason, and a RIP-relative first instruction still means the same after it
/// moved into the trampoline.
/// </summary>
public sealed unsafe class InlineHookTests
{
    /// <summary>lea rax, [rip + 0x100]; ret: returns its own address + 7 + 0x100.</summary>
    private static readonly byte[] LeaRipRet = [0x48, 0x8d, 0x05, 0x00, 0x01, 0x00, 0x00, 0xc3];

    [Fact]
    public void A_rip_relative_first_instruction_means_the_same_in_the_trampoline()
    {
        // The function and its stub share an arena, as firmware and stubs share the library's fw_hook_arena:
        // ±2 GiB around an arbitrary mapping may hold no free gap (the runtime's reservations). Never freed:
        // a hook stays for the life of the process (HookTable), so must the code it patched.
        int page = Environment.SystemPageSize;
        var arena = CodeArena.Within((nint)NativeMemory.AlignedAlloc((nuint)(2 * page), (nuint)page), (nuint)(2 * page))!;
        var code = ExecutableMemory.CreateNear(arena.Start, LeaRipRet.Length, ExecutableMemory.Rel32Reach, _ => LeaRipRet, arena);
        var function = (delegate* unmanaged<ulong>)code.Address;
        ulong expected = (ulong)code.Address + 7 + 0x100;
        Assert.Equal(expected, function());

        var slot = HookTable.Hook(code.Address, (ulong)LeaRipRet.Length, "lea_rip", arena);
        Assert.Equal(0, arena.FreePages);

        Assert.Equal(expected, function()); // no handler: stub → relocated lea → jmp back → ret
        slot.Exchange(new Decide(42));
        Assert.Equal(42ul, function());
        slot.Exchange(new Decide(null));
        Assert.Equal(expected, function());
        slot.Exchange(null);
        Assert.Equal(expected, function());
    }

    [Theory]
    [InlineData(new byte[] { 0x55, 0x48, 0x89, 0xe5, 0x5d, 0xc3, 0x90, 0x90 }, 0, "is 1 bytes")]                 // push rbp: a thread could be between overwritten instructions
    [InlineData(new byte[] { 0xe9, 0x00, 0x00, 0x00, 0x00, 0xc3, 0x90, 0x90 }, 0, "leaves the function")]         // jmp rel32
    [InlineData(new byte[] { 0x48, 0x8d, 0x05, 0x00, 0x00, 0x00, 0x00, 0xeb, 0xfa, 0xc3 }, 0, "branches into")]  // jmp back to entry+3
    [InlineData(new byte[] { 0x90, 0x90, 0x90, 0x90, 0x90, 0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xc3 }, 5, "aligned 8-byte word")]
    public void Entries_that_cannot_be_patched_safely_are_refused_with_the_reason(byte[] bytes, int entry, string reason)
    {
        using var code = ExecutableMemory.Create(bytes);
        var e = Assert.Throws<HookException>(() => PrologueRelocator.Relocate(code.Address + entry, (ulong)(bytes.Length - entry), "f"));
        Assert.Contains(reason, e.Message);
    }

    private sealed class Decide(ulong? value) : IHookHandler
    {
        public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
        {
            result = value ?? 0;
            return value is not null;
        }
    }
}
