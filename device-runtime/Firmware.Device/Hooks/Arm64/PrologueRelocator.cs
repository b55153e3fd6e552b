using Firmware.Ebpf.Jit.Arm64;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;

namespace Firmware.Device.Hooks.Arm64;

/// <summary>
/// The first instruction of an AArch64 function, rewritten so it means the same at the stub's address,
/// which the entry's B (imm26, ±128 MiB) replaces. The invariants that make the patch safe while other
/// threads call the function:
/// <list type="bullet">
/// <item>one instruction is overwritten, by one aligned 4-byte store (A64 instructions are 4-byte aligned
/// words), so no thread can be between two overwritten instructions and fetch sees the old word or the B;</item>
/// <item>no B, B.cond, CBZ/CBNZ or TBZ/TBNZ in the function (its ELF symbol size; 64 bytes when unknown)
/// targets the entry: such a loop back would run the hook again on every iteration. A BL to the entry is
/// a recursive call and rightly runs the hook;</item>
/// <item>the PC-relative forms are rewritten to absolute ones: ADR and ADRP load their value, LDR (literal)
/// loads through its address, B, BL, B.cond, CBZ/CBNZ and TBZ/TBNZ branch through a register; everything
/// else means the same anywhere and is copied;</item>
/// <item>the rewrites use only x16 (IP0) as scratch: at a function's entry it holds nothing (AAPCS64 lets
/// veneers clobber it on any call), and a branch's target inside the function cannot depend on it either,
/// since no instruction before the target has run but the first;</item>
/// <item>a landing pad (BTI, PACIASP/PACIBSP) is refused: on pages guarded for BTI an indirect call
/// landing on the B would fault.</item>
/// </list>
/// The rewrite is position-independent, so the stub can be laid out around it.
/// </summary>
public static class PrologueRelocator
{
    /// <summary>How far the entry's B reaches (imm26 words, the largest positive offset).</summary>
    public const long BranchReach = (1L << 27) - 4;

    /// <summary>The scratch register of the rewrites.</summary>
    private const int Ip0 = 16;

    private enum Form { Adr, Adrp, B, Bl, BCond, CompareBranch, TestBranch, LoadLiteral }

    /// <summary>The A64 classes whose meaning depends on the PC, as (mask, match) over the word.</summary>
    private static readonly (uint Mask, uint Match, Form Form)[] PcRelative =
    [
        (0x9F000000, 0x10000000, Form.Adr),
        (0x9F000000, 0x90000000, Form.Adrp),
        (0xFC000000, 0x14000000, Form.B),
        (0xFC000000, 0x94000000, Form.Bl),
        (0xFF000010, 0x54000000, Form.BCond),
        (0x7E000000, 0x34000000, Form.CompareBranch),
        (0x7E000000, 0x36000000, Form.TestBranch),
        (0x3B000000, 0x18000000, Form.LoadLiteral),
    ];

    /// <summary>Landing pads, refused (see the class comment).</summary>
    private static readonly (uint Mask, uint Match, string Name)[] LandingPads =
    [
        (0xFFFFFF3F, 0xD503241F, "BTI"),
        (0xFFFFFFBF, 0xD503233F, "PACIASP/PACIBSP"),
    ];

    /// <summary>LDR (literal) by opc:V, as the load from [x16] that replaces it (null: unallocated).</summary>
    private static readonly (AccessBytes Size, LoadStoreOp Op, bool Simd)?[] LiteralLoads =
    [
        (AccessBytes.Word, LoadStoreOp.Load, false),           // LDR Wt
        (AccessBytes.Word, LoadStoreOp.Load, true),            // LDR St
        (AccessBytes.Double, LoadStoreOp.Load, false),         // LDR Xt
        (AccessBytes.Double, LoadStoreOp.Load, true),          // LDR Dt
        (AccessBytes.Word, LoadStoreOp.LoadSigned64, false),   // LDRSW Xt
        (AccessBytes.Byte, LoadStoreOp.LoadSigned32, true),    // LDR Qt (size 00, opc 11)
        (AccessBytes.Double, LoadStoreOp.LoadSigned64, false), // PRFM
        null,
    ];

    /// <summary>Relocates the live function at <paramref name="entry"/>.</summary>
    public static unsafe RelocatedEntry Relocate(nint entry, ulong functionSize, string name)
    {
        if ((entry & 3) != 0) throw new HookException(name, $"the entry 0x{entry:x} is not 4-byte aligned, so it is no A64 instruction");
        ulong size = functionSize > 0 ? functionSize : 64;
        return Relocate(new ReadOnlySpan<uint>((void*)entry, (int)Math.Min(size / 4, 1 << 18)), (ulong)entry, name);
    }

    /// <summary>Relocates the first of <paramref name="function"/>'s instructions, the function being at <paramref name="entry"/>.</summary>
    public static RelocatedEntry Relocate(ReadOnlySpan<uint> function, ulong entry, string name)
    {
        if (function.IsEmpty) throw new HookException(name, "the function is empty");
        for (int i = 0; i < function.Length; i++)
            if (BranchTarget(function[i], entry + (ulong)i * 4) == entry)
                throw new HookException(name, $"the instruction 0x{function[i]:x8} at 0x{entry + (ulong)i * 4:x} branches back to the entry, which would run the hook again");
        uint first = function[0];
        foreach (var (mask, match, pad) in LandingPads)
            if ((first & mask) == match)
                throw new HookException(name, $"the entry is a {pad} landing pad; an indirect call landing on the hook's B would fault on a guarded page");
        return Rewrite(first, entry, name);
    }

    private static RelocatedEntry Rewrite(uint word, ulong pc, string name)
    {
        var a = new Arm64Assembler();
        Form? form = FormOf(word);
        switch (form)
        {
            case null:
                a.Emit(word);
                break;
            case Form.Adr:
                a.MovImmediate(true, Rt(word), pc + (ulong)AdrOffset(word));
                break;
            case Form.Adrp:
                a.MovImmediate(true, Rt(word), (pc & ~0xfffUL) + (ulong)(AdrOffset(word) << 12));
                break;
            case Form.B:
            case Form.BCond when (word & 0xE) == 0xE: // AL and NV both mean always
                JumpTo(a, Target(word, pc, form.Value));
                return new RelocatedEntry(Words(a), FallsThrough: false);
            case Form.Bl:
                a.MovImmediate(true, Ip0, Target(word, pc, Form.Bl));
                a.Blr(Ip0); // returns to the stub, which goes on at entry + 4 as the BL would have
                break;
            case Form.BCond or Form.CompareBranch or Form.TestBranch:
                // The inverted branch skips the absolute jump to the target; falling through continues.
                var jump = new Arm64Assembler();
                JumpTo(jump, Target(word, pc, form.Value));
                uint[] taken = Words(jump);
                a.Emit(WithOffset(Invert(word, form.Value), form.Value, 4 + taken.Length * 4));
                foreach (uint w in taken) a.Emit(w);
                break;
            case Form.LoadLiteral:
                uint opcV = (word >> 30) << 1 | (word >> 26 & 1);
                if (LiteralLoads[opcV] is not { } load)
                    throw new HookException(name, $"the first instruction 0x{word:x8} is an unallocated literal load");
                var (size, op, simd) = load;
                a.MovImmediate(true, Ip0, Target(word, pc, Form.LoadLiteral));
                a.Emit(LoadStoreRegisterUnsignedImmediate(size, op, 0, Ip0, Rt(word)) | (simd ? 1u << 26 : 0));
                break;
        }
        return new RelocatedEntry(Words(a), FallsThrough: true);
    }

    /// <summary>Where a B, B.cond, CBZ/CBNZ or TBZ/TBNZ at <paramref name="pc"/> goes; null for anything else (BL included: a call returns).</summary>
    internal static ulong? BranchTarget(uint word, ulong pc) =>
        FormOf(word) is (Form.B or Form.BCond or Form.CompareBranch or Form.TestBranch) and Form form ? Target(word, pc, form) : null;

    private static Form? FormOf(uint word)
    {
        foreach (var (mask, match, form) in PcRelative)
            if ((word & mask) == match) return form;
        return null;
    }

    private static ulong Target(uint word, ulong pc, Form form) => pc + (ulong)(form switch
    {
        Form.B or Form.Bl => SignExtend(word, 0, 26) * 4,
        Form.TestBranch => SignExtend(word, 5, 14) * 4,
        _ => SignExtend(word, 5, 19) * 4, // B.cond, CBZ/CBNZ, LDR (literal)
    });

    /// <summary>ADR's and ADRP's immhi:immlo.</summary>
    private static long AdrOffset(uint word) => SignExtend(word, 5, 19) << 2 | (word >> 29 & 3);

    /// <summary>The branch with the opposite condition: B.cond's cond bit 0, CBZ↔CBNZ and TBZ↔TBNZ by bit 24.</summary>
    private static uint Invert(uint word, Form form) => form == Form.BCond ? word ^ 1 : word ^ 1u << 24;

    /// <summary>The conditional branch with its offset field set to <paramref name="offset"/> bytes.</summary>
    private static uint WithOffset(uint word, Form form, long offset)
    {
        int bits = form == Form.TestBranch ? 14 : 19;
        uint mask = ((1u << bits) - 1) << 5;
        return word & ~mask | (uint)(offset / 4) << 5 & mask;
    }

    private static void JumpTo(Arm64Assembler a, ulong target)
    {
        a.MovImmediate(true, Ip0, target);
        a.Br(Ip0);
    }

    private static long SignExtend(uint word, int low, int bits) => (long)((ulong)(word >> low) << (64 - bits)) >> (64 - bits);

    private static int Rt(uint word) => (int)(word & 31);

    private static uint[] Words(Arm64Assembler a) => [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(a.Assemble())];
}

/// <summary>
/// A function's first instruction rewritten to run anywhere: <see cref="Words"/> mean what it meant at the
/// entry; when <see cref="FallsThrough"/>, the function goes on at entry + 4 after them.
/// </summary>
public sealed record RelocatedEntry(uint[] Words, bool FallsThrough);
