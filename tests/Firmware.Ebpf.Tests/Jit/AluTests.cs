using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>
/// ALU forms at their edges on the JIT, against the interpreter: shift counts masked to the width (also a
/// masked count of 0, which must still zero-extend a 32-bit result), byte swaps and sign extension.
/// </summary>
public class AluTests
{
    private const ulong UpperBitsSet = 0xdeadbeef_80000005;

    public static TheoryData<AluOp, bool, bool, int> Shifts()
    {
        var data = new TheoryData<AluOp, bool, bool, int>();
        foreach (var op in (AluOp[])[AluOp.Lsh, AluOp.Rsh, AluOp.Arsh])
            foreach (bool wide in (bool[])[false, true])
                foreach (bool immediate in (bool[])[false, true])
                    foreach (int count in (int[])[0, 1, 31, 32, 63, 64, -1])
                        data.Add(op, wide, immediate, count);
        return data;
    }

    [X64Theory]
    [MemberData(nameof(Shifts))]
    public void Shift_counts_are_masked_and_32_bit_results_zero_extended(AluOp op, bool wide, bool immediate, int count)
    {
        var cls = wide ? InstructionClass.Alu64 : InstructionClass.Alu;
        var shift = immediate
            ? new Instruction(Opcode.Alu(cls, op, OperandSource.K), 0, 0, 0, count)
            : new Instruction(Opcode.Alu(cls, op, OperandSource.X), 0, 4, 0, 0);
        int masked = count & (wide ? 63 : 31);
        ulong value = UpperBitsSet;
        ulong expected = (op, wide) switch
        {
            (AluOp.Lsh, true) => value << masked,
            (AluOp.Rsh, true) => value >> masked,
            (AluOp.Arsh, true) => (ulong)((long)value >> masked),
            (AluOp.Lsh, false) => (uint)value << masked,
            (AluOp.Rsh, false) => (uint)value >> masked,
            _ => (uint)((int)value >> masked),
        };

        Assert.Equal(expected, Run([.. Lddw(0, UpperBitsSet), .. Lddw(4, (ulong)(long)count), shift]));
    }

    [X64Theory]
    [InlineData(0xd4, 16, 0x0005UL)]                       // le16
    [InlineData(0xd4, 32, 0x80000005UL)]                   // le32
    [InlineData(0xd4, 64, UpperBitsSet)]                   // le64
    [InlineData(0xdc, 16, 0x0500UL)]                       // be16
    [InlineData(0xdc, 32, 0x05000080UL)]                   // be32
    [InlineData(0xdc, 64, 0x05000080efbeaddeUL)]           // be64
    [InlineData(0xd7, 16, 0x0500UL)]                       // bswap16
    [InlineData(0xd7, 32, 0x05000080UL)]                   // bswap32
    [InlineData(0xd7, 64, 0x05000080efbeaddeUL)]           // bswap64
    public void Byte_order_conversions_truncate_to_their_width(byte opcode, int width, ulong expected) =>
        Assert.Equal(expected, Run([.. Lddw(0, UpperBitsSet), new Instruction(opcode, 0, 0, 0, width)]));

    [X64Theory]
    [InlineData(true, 8, 0x0000000000000005UL)]
    [InlineData(true, 16, 0x0000000000000005UL)]
    [InlineData(true, 32, 0xffffffff80000005UL)]
    [InlineData(false, 8, 0x00000005UL)]
    [InlineData(false, 16, 0x00000005UL)]
    public void Movsx_sign_extends_from_its_width(bool wide, short bits, ulong expected) =>
        Assert.Equal(expected, Run([
            .. Lddw(3, UpperBitsSet),
            new Instruction(Opcode.Alu(wide ? InstructionClass.Alu64 : InstructionClass.Alu, AluOp.Mov, OperandSource.X), 0, 3, bits, 0)]));

    /// <summary>Runs the instructions then exit on both engines; returns r0.</summary>
    private static ulong Run(Instruction[] body)
    {
        using var run = new JitRun([.. body, new Instruction(Opcode.Exit, 0, 0, 0, 0)]);
        var result = run.RunBoth();
        Assert.True(result.Ok, result.Fault.ToString());
        return result.Value;
    }

    private static Instruction[] Lddw(byte dst, ulong value) =>
        [new Instruction(Opcode.Lddw, dst, 0, 0, (int)value), new Instruction(0, 0, 0, 0, (int)(value >> 32))];
}
