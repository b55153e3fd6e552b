using System.Buffers.Binary;

namespace Firmware.Ebpf.Isa;

/// <summary>
/// One 8-byte instruction slot (RFC 9669, section 3). A 64-bit immediate load occupies two slots;
/// programs keep both so that jump offsets count slots exactly as the bytecode does.
/// </summary>
public readonly record struct Instruction(byte Opcode, byte Dst, byte Src, short Offset, int Imm)
{
    public const int Size = 8;

    public InstructionClass Class => (InstructionClass)(Opcode & Isa.Opcode.ClassMask);
    public OperandSource Source => (OperandSource)(Opcode & Isa.Opcode.SourceMask);
    public AluOp AluOp => (AluOp)(Opcode & Isa.Opcode.OpMask);
    public JmpOp JmpOp => (JmpOp)(Opcode & Isa.Opcode.OpMask);
    public AccessSize AccessSize => (AccessSize)(Opcode & Isa.Opcode.SizeMask);
    public AccessMode AccessMode => (AccessMode)(Opcode & Isa.Opcode.ModeMask);
    public bool IsLddw => Opcode == Isa.Opcode.Lddw;

    public static Instruction Read(ReadOnlySpan<byte> slot)
    {
        byte regs = slot[1];
        return new Instruction(slot[0], (byte)(regs & 0x0f), (byte)(regs >> 4),
            BinaryPrimitives.ReadInt16LittleEndian(slot[2..]), BinaryPrimitives.ReadInt32LittleEndian(slot[4..]));
    }

    public void Write(Span<byte> slot)
    {
        slot[0] = Opcode;
        slot[1] = (byte)((Dst & 0x0f) | (Src << 4));
        BinaryPrimitives.WriteInt16LittleEndian(slot[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(slot[4..], Imm);
    }

    /// <summary>Reads raw bytecode into slots; the length must be a multiple of 8 (checked by <see cref="Decoder"/>).</summary>
    public static Instruction[] ReadAll(ReadOnlySpan<byte> code)
    {
        var result = new Instruction[code.Length / Size];
        for (int i = 0; i < result.Length; i++)
            result[i] = Read(code.Slice(i * Size, Size));
        return result;
    }

    public static byte[] WriteAll(ReadOnlySpan<Instruction> instructions)
    {
        var bytes = new byte[instructions.Length * Size];
        for (int i = 0; i < instructions.Length; i++)
            instructions[i].Write(bytes.AsSpan(i * Size, Size));
        return bytes;
    }

    /// <summary>The 64-bit immediate of a lddw whose second slot is <paramref name="next"/>.</summary>
    public ulong Imm64(Instruction next) => (uint)Imm | ((ulong)(uint)next.Imm << 32);
}
