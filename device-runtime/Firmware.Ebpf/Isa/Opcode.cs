namespace Firmware.Ebpf.Isa;

/// <summary>The 3-bit instruction class (RFC 9669, section 3.3).</summary>
public enum InstructionClass : byte
{
    Ld = 0x00,
    Ldx = 0x01,
    St = 0x02,
    Stx = 0x03,
    Alu = 0x04,
    Jmp = 0x05,
    Jmp32 = 0x06,
    Alu64 = 0x07,
}

/// <summary>Arithmetic operation codes, the high nibble of an ALU/ALU64 opcode.</summary>
public enum AluOp : byte
{
    Add = 0x00,
    Sub = 0x10,
    Mul = 0x20,
    Div = 0x30,
    Or = 0x40,
    And = 0x50,
    Lsh = 0x60,
    Rsh = 0x70,
    Neg = 0x80,
    Mod = 0x90,
    Xor = 0xa0,
    Mov = 0xb0,
    Arsh = 0xc0,
    End = 0xd0,
}

/// <summary>Jump operation codes, the high nibble of a JMP/JMP32 opcode.</summary>
public enum JmpOp : byte
{
    Ja = 0x00,
    Jeq = 0x10,
    Jgt = 0x20,
    Jge = 0x30,
    Jset = 0x40,
    Jne = 0x50,
    Jsgt = 0x60,
    Jsge = 0x70,
    Call = 0x80,
    Exit = 0x90,
    Jlt = 0xa0,
    Jle = 0xb0,
    Jslt = 0xc0,
    Jsle = 0xd0,
}

/// <summary>Operand source bit of ALU and JMP opcodes: K uses the immediate, X the source register.</summary>
public enum OperandSource : byte
{
    K = 0x00,
    X = 0x08,
}

/// <summary>Access size bits of load and store opcodes.</summary>
public enum AccessSize : byte
{
    W = 0x00,
    H = 0x08,
    B = 0x10,
    DW = 0x18,
}

/// <summary>Mode bits of load and store opcodes.</summary>
public enum AccessMode : byte
{
    Imm = 0x00,
    Abs = 0x20,
    Ind = 0x40,
    Mem = 0x60,
    MemSx = 0x80,
    Atomic = 0xc0,
}

/// <summary>Atomic operations, carried in the immediate of STX|ATOMIC (RFC 9669, section 5.3).</summary>
public static class AtomicOp
{
    public const int Add = 0x00;
    public const int Or = 0x40;
    public const int And = 0x50;
    public const int Xor = 0xa0;
    public const int Fetch = 0x01;
    public const int Xchg = 0xe0 | Fetch;
    public const int CmpXchg = 0xf0 | Fetch;

    public static bool IsValid(int imm) => imm is Add or Or or And or Xor
        or (Add | Fetch) or (Or | Fetch) or (And | Fetch) or (Xor | Fetch) or Xchg or CmpXchg;
}

/// <summary>Source-register values of the 64-bit immediate load (RFC 9669, section 5.4; Linux pseudo forms).</summary>
public enum LddwKind : byte
{
    Imm64 = 0,
    MapByFd = 1,
    MapValueByFd = 2,
    VariableAddress = 3,
    CodeAddress = 4,
    MapByIndex = 5,
    MapValueByIndex = 6,
}

/// <summary>Source-register values of CALL.</summary>
public enum CallKind : byte
{
    Helper = 0,
    Local = 1,
    KernelFunction = 2,
}

/// <summary>Masks and whole opcodes used across the runtime.</summary>
public static class Opcode
{
    public const byte ClassMask = 0x07;
    public const byte SourceMask = 0x08;
    public const byte OpMask = 0xf0;
    public const byte SizeMask = 0x18;
    public const byte ModeMask = 0xe0;

    public const byte Lddw = (byte)InstructionClass.Ld | (byte)AccessMode.Imm | (byte)AccessSize.DW; // 0x18
    public const byte Call = (byte)InstructionClass.Jmp | (byte)JmpOp.Call;                            // 0x85
    public const byte CallX = Call | (byte)OperandSource.X;                                            // 0x8d
    public const byte Exit = (byte)InstructionClass.Jmp | (byte)JmpOp.Exit;                            // 0x95
    public const byte Ja = (byte)InstructionClass.Jmp | (byte)JmpOp.Ja;                               // 0x05
    public const byte Ja32 = (byte)InstructionClass.Jmp32 | (byte)JmpOp.Ja;                           // 0x06

    public static InstructionClass ClassOf(byte opcode) => (InstructionClass)(opcode & ClassMask);
    public static bool IsAlu(byte opcode) => ClassOf(opcode) is InstructionClass.Alu or InstructionClass.Alu64;
    public static bool IsJump(byte opcode) => ClassOf(opcode) is InstructionClass.Jmp or InstructionClass.Jmp32;

    public static byte Alu(InstructionClass cls, AluOp op, OperandSource src) => (byte)((byte)cls | (byte)op | (byte)src);
    public static byte Jmp(InstructionClass cls, JmpOp op, OperandSource src) => (byte)((byte)cls | (byte)op | (byte)src);
    public static byte Mem(InstructionClass cls, AccessMode mode, AccessSize size) => (byte)((byte)cls | (byte)mode | (byte)size);

    /// <summary>Bytes moved by a load or store of this size.</summary>
    public static int Bytes(AccessSize size) => size switch
    {
        AccessSize.B => 1,
        AccessSize.H => 2,
        AccessSize.W => 4,
        _ => 8,
    };
}

/// <summary>Register numbers with a role in the calling convention.</summary>
public static class Register
{
    public const int R0 = 0;
    public const int R1 = 1;
    public const int R6 = 6;
    /// <summary>The read-only frame pointer.</summary>
    public const int FramePointer = 10;
    public const int Count = 11;
}
