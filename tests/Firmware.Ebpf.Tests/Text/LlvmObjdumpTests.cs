using System.Text.RegularExpressions;
using CsCheck;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Text;

/// <summary>The disassembler against llvm-objdump-19 itself, and the assembler on llvm-objdump's own output.</summary>
public class LlvmObjdumpTests
{
    [Fact]
    public void Disassembler_prints_what_llvm_objdump_prints() =>
        InstructionGen.Program(400).Sample(program =>
        {
            var mismatches = new List<string>();
            var listing = Llvm.Disassemble(program);
            Assert.Equal(RoundTripTests.Listing(program).Count(), listing.Count);
            foreach (var line in listing)
            {
                var insn = program[line.Slot];
                string theirs = Regex.Replace(line.Text, @"\s*<[^<>]*>$", "");
                string ours = Disassembler.Format(program, line.Slot);
                bool localCall = insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Local;
                bool pseudo = insn.IsLddw && insn.Src != 0;
                // Where llvm-objdump is ambiguous or lossy we print differently (see Disassembler's summary).
                string oursAsLlvm = localCall ? Regex.Replace(ours, @"^call pc\+?", "call ") : ours;
                if (!pseudo && oursAsLlvm != theirs) mismatches.Add($"{line.Slot}: {insn}: llvm '{theirs}', ours '{ours}'");
                if (!localCall && Assembler.Assemble(theirs)[0] != insn)
                    mismatches.Add($"{line.Slot}: {insn}: '{theirs}' assembles to {Assembler.Assemble(theirs)[0]}");
            }
            Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
        }, iter: 6, threads: 1, print: RoundTripTests.Describe);

    [Fact]
    public void Assembler_reads_a_clang_listing_back_to_its_bytes()
    {
        var listing = Llvm.Compile(Sample);
        Assert.True(listing.Count > 30, $"only {listing.Count} instructions");
        var bytes = listing.SelectMany(line => line.Bytes).ToArray();
        string text = string.Join('\n', listing.Select(line => line.Text));
        Assert.Equal(bytes, Instruction.WriteAll(Assembler.Assemble(text)));
    }

    // Exercises what clang -mcpu=v4 emits: sign extension, signed division, byte swaps, atomics of both widths,
    // 32-bit subregisters, 64-bit constants, branches both ways. No static functions: llvm-objdump prints
    // a local call like a helper call, so its listing cannot say which it was.
    private const string Sample = """
        typedef unsigned long u64; typedef unsigned int u32; typedef signed char s8; typedef short s16;
        long f(u64 *ctx, long n)
        {
            u64 v = 0; u32 w = 5;
            long r = n / 3 + (long)ctx[2] % n;
            __sync_fetch_and_add(&v, n);
            long old = __sync_fetch_and_or((long *)&v, 4);
            old += __sync_fetch_and_xor(&w, 3) + __sync_fetch_and_and(&w, 9) + __sync_fetch_and_add(&w, 2);
            __sync_fetch_and_and(&w, 1);
            old += __sync_val_compare_and_swap(&v, 3, 9) + __sync_val_compare_and_swap(&w, 1, 2);
            old += __sync_lock_test_and_set(&v, 7) + __sync_lock_test_and_set(&w, 8);
            s8 c = *(s8 *)ctx;
            s16 h = *(s16 *)((char *)ctx + 2);
            int i = *(int *)((char *)ctx + 4);
            r += c + h + i + (long)(int)(n >> 3) + __builtin_bswap32((u32)n) + __builtin_bswap64(n) + __builtin_bswap16(n);
            *((char *)ctx + 9) = 0x7f;
            *((short *)ctx + 7) = (short)n;
            u32 x = (u32)n * 7u; x ^= x >> 3; x -= (u32)r;
            if (n < 0) r = -r;
            if ((int)n > 17) r += 0x1122334455667788L;
            for (long k = 0; k < n && k < 64; k++) r = r * 31 + ((const unsigned char *)ctx)[k];
            return r + old + v + w + x;
        }
        """;
}
