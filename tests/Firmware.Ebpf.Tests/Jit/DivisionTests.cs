using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>
/// RFC 9669 division on the JIT: x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0 (where x86
/// traps), 32-bit results zero-extended, and rax/rdx (r0/r3) untouched unless they are the destination.
/// </summary>
public class DivisionTests
{
    private static readonly ulong[] Dividends =
        [0, 7, unchecked((ulong)-7L), 0x8000000000000000, 0x80000000, 0xffffffff80000000, 0xffffffff, long.MaxValue, 100];

    private static readonly long[] Divisors = [0, 1, -1, 2, -2, 3, int.MinValue, 0xffffffff, 0x80000000];

    /// <summary>(destination, source) pairs that put the operands in rax, rdx, r9 and rbx.</summary>
    private static readonly (byte Dst, byte Src)[] Registers = [(0, 3), (3, 0), (6, 4), (0, 6), (3, 6), (6, 3), (4, 0)];

    public static TheoryData<AluOp, bool, bool, bool> Forms()
    {
        var data = new TheoryData<AluOp, bool, bool, bool>();
        foreach (var op in (AluOp[])[AluOp.Div, AluOp.Mod])
            foreach (bool signed in (bool[])[false, true])
                foreach (bool wide in (bool[])[false, true])
                    foreach (bool immediate in (bool[])[false, true])
                        data.Add(op, signed, wide, immediate);
        return data;
    }

    [X64Theory]
    [MemberData(nameof(Forms))]
    public void Divides_as_RFC_9669_defines(AluOp op, bool signed, bool wide, bool immediate)
    {
        var cls = wide ? InstructionClass.Alu64 : InstructionClass.Alu;
        foreach (ulong dividend in Dividends)
            foreach (long divisor in Divisors.Where(d => !immediate || d is >= int.MinValue and <= int.MaxValue))
                foreach (var (dst, src) in Registers)
                {
                    var division = immediate
                        ? new Instruction(Opcode.Alu(cls, op, OperandSource.K), dst, 0, (short)(signed ? 1 : 0), (int)divisor)
                        : new Instruction(Opcode.Alu(cls, op, OperandSource.X), dst, src, (short)(signed ? 1 : 0), 0);
                    ulong effectiveDivisor = immediate ? (ulong)(long)(int)divisor : (ulong)divisor;
                    var registers = AllRegistersAfter(division, dst, dividend, src, (ulong)divisor);
                    ulong expected = Expected(op, signed, wide, dividend, effectiveDivisor);
                    for (byte r = 0; r < Register.FramePointer; r++)
                        if (r != 1)
                            Assert.True(registers[r] == (r == dst ? expected : Initial(r, dst, dividend, src, (ulong)divisor)),
                                $"{division}: r{r} = 0x{registers[r]:x} for 0x{dividend:x} and 0x{divisor:x}");
                }
    }

    private static ulong Expected(AluOp op, bool signed, bool wide, ulong a, ulong b) => (op, signed, wide) switch
    {
        (AluOp.Div, false, true) => Semantics.Div64(a, b),
        (AluOp.Div, false, false) => Semantics.Div32((uint)a, (uint)b),
        (AluOp.Div, true, true) => Semantics.SDiv64((long)a, (long)b),
        (AluOp.Div, true, false) => Semantics.SDiv32((int)a, (int)b),
        (_, false, true) => Semantics.Mod64(a, b),
        (_, false, false) => Semantics.Mod32((uint)a, (uint)b),
        (_, true, true) => Semantics.SMod64((long)a, (long)b),
        _ => Semantics.SMod32((int)a, (int)b),
    };

    /// <summary>Each register starts distinct (the operands aside); the program stores r0..r9 to the buffer after the division.</summary>
    private static ulong Initial(int r, byte dst, ulong dividend, byte src, ulong divisor) =>
        r == dst ? dividend : r == src ? divisor : 0x1111111111111111UL * (ulong)r;

    private static ulong[] AllRegistersAfter(Instruction division, byte dst, ulong dividend, byte src, ulong divisor)
    {
        var code = new List<Instruction>();
        for (byte r = 0; r < Register.FramePointer; r++)
            if (r != 1)
                code.AddRange(Lddw(r, Initial(r, dst, dividend, src, divisor)));
        code.Add(division);
        for (byte r = 0; r < Register.FramePointer; r++)
            code.Add(new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Mem, AccessSize.DW), 1, r, (short)(8 * r), 0));
        code.Add(new Instruction(Opcode.Exit, 0, 0, 0, 0));
        using var run = new JitRun([.. code]);
        var buffer = new byte[8 * Register.FramePointer];
        var result = run.RunBoth(buffer);
        Assert.True(result.Ok, result.Fault.ToString());
        return [.. Enumerable.Range(0, Register.FramePointer).Select(r => BitConverter.ToUInt64(buffer, 8 * r))];
    }

    private static Instruction[] Lddw(byte dst, ulong value) =>
        [new Instruction(Opcode.Lddw, dst, 0, 0, (int)value), new Instruction(0, 0, 0, 0, (int)(value >> 32))];
}
