namespace Firmware.Nano.Isa;

/// <summary>
/// One 8-byte instruction slot (RFC 9669, section 3), the nanoFramework twin of Firmware.Ebpf's
/// Instruction (a record struct over spans, which nanoFramework lacks). Fields are read little-endian by hand.
/// </summary>
public struct Slot
{
    public const int Size = 8;

    public byte Opcode;
    public byte Dst;
    public byte Src;
    public short Offset;
    public int Imm;

    public int Class => Opcode & Ebpf.Isa.Opcode.ClassMask;
    public bool IsK => (Opcode & Ebpf.Isa.Opcode.SourceMask) == 0;
    public int Op => Opcode & Ebpf.Isa.Opcode.OpMask;
    public int AccessSize => Opcode & Ebpf.Isa.Opcode.SizeMask;
    public int AccessMode => Opcode & Ebpf.Isa.Opcode.ModeMask;
    public bool IsLddw => Opcode == Ebpf.Isa.Opcode.Lddw;

    /// <summary>Reads whole slots; the caller has checked the length is a multiple of 8.</summary>
    public static Slot[] ReadAll(byte[] code)
    {
        var slots = new Slot[code.Length / Size];
        for (int i = 0; i < slots.Length; i++)
        {
            int at = i * Size;
            slots[i].Opcode = code[at];
            slots[i].Dst = (byte)(code[at + 1] & 0x0f);
            slots[i].Src = (byte)(code[at + 1] >> 4);
            slots[i].Offset = (short)(code[at + 2] | code[at + 3] << 8);
            slots[i].Imm = code[at + 4] | code[at + 5] << 8 | code[at + 6] << 16 | code[at + 7] << 24;
        }
        return slots;
    }
}
