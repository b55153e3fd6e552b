using Firmware.Device.Hooks;
using Firmware.Device.Hooks.Arm64;

namespace Firmware.Arm64.Tests.Hooks;

/// <summary>
/// The AArch64 inline hook's rewrite of a function's first instruction, checked against llvm-mc's
/// encodings: PC-relative forms become absolute ones that mean the same at any address; entries that
/// cannot be patched safely are refused with the reason. The function sits at <see cref="Entry"/>.
/// </summary>
public class PrologueRelocatorTests
{
    private const ulong Entry = 0x5555_1234_5000;

    /// <summary>x16 = Entry's upper halfwords after a MOVZ of the low one (what every address below needs).</summary>
    private static string[] Address(int register, string low) =>
        [$"movz x{register}, #{low}", $"movk x{register}, #0x1234, lsl #16", $"movk x{register}, #0x5555, lsl #32"];

    public static TheoryData<string, string[], bool> Rewrites => new()
    {
        { "stp x29, x30, [sp, #-48]!", ["stp x29, x30, [sp, #-48]!"], true },
        { "adr x3, #256", Address(3, "0x5100"), true },
        { "adrp x19, #0x20000", ["movz x19, #0x5000", "movk x19, #0x1236, lsl #16", "movk x19, #0x5555, lsl #32"], true },
        { "ldr x1, #64", [.. Address(16, "0x5040"), "ldr x1, [x16]"], true },
        { "ldr w2, #-8", [.. Address(16, "0x4ff8"), "ldr w2, [x16]"], true },
        { "ldrsw x5, #16", [.. Address(16, "0x5010"), "ldrsw x5, [x16]"], true },
        { "ldr s2, #4", [.. Address(16, "0x5004"), "ldr s2, [x16]"], true },
        { "ldr d1, #8", [.. Address(16, "0x5008"), "ldr d1, [x16]"], true },
        { "ldr q0, #32", [.. Address(16, "0x5020"), "ldr q0, [x16]"], true },
        { "prfm pldl1keep, #8", [.. Address(16, "0x5008"), "prfm pldl1keep, [x16]"], true },
        { "b #4096", [.. Address(16, "0x6000"), "br x16"], false },
        { "b.al #4096", [.. Address(16, "0x6000"), "br x16"], false },
        { "bl #-8192", [.. Address(16, "0x3000"), "blr x16"], true },
        // Conditional: the inverted branch skips the 4-word absolute jump (4 + 16 bytes).
        { "b.ne #64", ["b.eq #20", .. Address(16, "0x5040"), "br x16"], true },
        { "b.hs #-64", ["b.lo #20", .. Address(16, "0x4fc0"), "br x16"], true },
        { "cbz w3, #128", ["cbnz w3, #20", .. Address(16, "0x5080"), "br x16"], true },
        { "cbnz x7, #4", ["cbz x7, #20", .. Address(16, "0x5004"), "br x16"], true },
        { "tbnz x9, #40, #-256", ["tbz x9, #40, #20", .. Address(16, "0x4f00"), "br x16"], true },
        { "tbz w2, #3, #8", ["tbnz w2, #3, #20", .. Address(16, "0x5008"), "br x16"], true },
    };

    [Theory]
    [MemberData(nameof(Rewrites))]
    public void The_first_instruction_is_rewritten_to_mean_the_same_anywhere(string first, string[] expected, bool fallsThrough)
    {
        uint[] function = [LlvmMc.Encode([first])[0], Ret];

        var relocated = PrologueRelocator.Relocate(function, Entry, "f");

        Assert.Equal(LlvmMc.Encode(expected), relocated.Words);
        Assert.Equal(fallsThrough, relocated.FallsThrough);
    }

    public static TheoryData<string[], string> Refusals => new()
    {
        { ["b #0"], "branches back to the entry" },
        { ["stp x29, x30, [sp, #-16]!", "nop", "b.ne #-8"], "branches back to the entry" },
        { ["sub sp, sp, #16", "cbnz x0, #-4"], "branches back to the entry" },
        { ["mov x1, x0", "nop", "nop", "tbz w1, #0, #-12"], "branches back to the entry" },
        { ["mov x1, x0", "b #-4"], "branches back to the entry" },
        { ["hint #34", "ret"], "BTI landing pad" },     // bti c
        { ["hint #25", "ret"], "PACIASP/PACIBSP landing pad" }, // paciasp
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Entries_that_cannot_be_patched_safely_are_refused_with_the_reason(string[] function, string reason)
    {
        uint[] words = LlvmMc.Encode(function);

        var e = Assert.Throws<HookException>(() => PrologueRelocator.Relocate(words, Entry, "f"));

        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void An_unallocated_literal_load_is_refused()
    {
        uint[] function = [0xdc000000, Ret]; // LDR (literal) with opc 11, V 1: llvm-mc has no text for it

        var e = Assert.Throws<HookException>(() => PrologueRelocator.Relocate(function, Entry, "f"));

        Assert.Contains("unallocated literal load", e.Message);
    }

    [Fact]
    public void A_recursive_call_to_the_entry_is_no_loop_and_branches_past_the_entry_are_fine()
    {
        uint[] function = LlvmMc.Encode(["stp x29, x30, [sp, #-16]!", "cbz x0, #8", "bl #-8", "b.ne #-8", "ret"]);

        var relocated = PrologueRelocator.Relocate(function, Entry, "f");

        Assert.Equal([function[0]], relocated.Words);
    }

    [Fact]
    public void The_stub_decodes_whole_and_ends_in_a_branch_back_to_the_second_instruction()
    {
        var relocated = PrologueRelocator.Relocate(LlvmMc.Encode(["adrp x19, #0x20000", "ret"]), Entry, "f");
        const ulong stub = Entry + 0x7f0_0000; // just inside B's reach

        byte[] code = Arm64HookStub.Encode(stub, new HookStubTarget(0x1000_1000, 3, 0x1000_2000), relocated, Entry + 4);

        var (instructions, diagnostics) = LlvmMc.Disassemble(code);
        Assert.Equal(code.Length / 4, instructions);
        Assert.Equal("", diagnostics);
        uint last = BitConverter.ToUInt32(code, code.Length - 4);
        long offset = (long)(Entry + 4) - (long)(stub + (ulong)code.Length - 4);
        Assert.Equal(LlvmMc.Encode([$"b #{offset}"])[0], last);
        // The relocated instruction sits just before it.
        Assert.Equal(relocated.Words, Enumerable.Range(0, relocated.Words.Length)
            .Select(i => BitConverter.ToUInt32(code, code.Length - 4 - (relocated.Words.Length - i) * 4)));
    }

    private const uint Ret = 0xd65f03c0;
}
