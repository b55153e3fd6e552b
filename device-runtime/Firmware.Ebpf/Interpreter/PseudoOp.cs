namespace Firmware.Ebpf.Interpreter;

/// <summary>
/// Internal opcodes for instructions whose raw opcode alone does not say what to do (sdiv/smod are
/// div/mod with offset 1, movsx is mov with an offset, le/be/bswap depend on imm and the host's byte
/// order, call depends on src). They live in the LD class's free opcode space, which the decoder
/// guarantees no accepted program uses except 0x18 (lddw). Loads, stores and atomics the verifier proved
/// safe run unchecked: <see cref="Unchecked"/> moves them to addressing modes (ABS, IND and two undefined
/// ones) the decoder rejects in the LDX, ST and STX classes, so the dispatch switch tells them apart for free.
/// </summary>
internal static class PseudoOp
{
    public const byte SDiv64K = 0x08, SDiv64X = 0x10, SMod64K = 0x20, SMod64X = 0x28;
    public const byte SDiv32K = 0x30, SDiv32X = 0x38, SMod32K = 0x40, SMod32X = 0x48;
    public const byte MovSx64From8 = 0x50, MovSx64From16 = 0x58, MovSx64From32 = 0x60;
    public const byte MovSx32From8 = 0x68, MovSx32From16 = 0x70;
    public const byte ZeroExtend16 = 0x78, ZeroExtend32 = 0x80, Nop = 0x88;
    public const byte Swap16 = 0x90, Swap32 = 0x98, Swap64 = 0xa0;
    public const byte CallLocal = 0xa8;

    /// <summary>The unchecked form of a LDX, ST or STX opcode: MEM (0x60) becomes 0x40, MEMSX (0x80) 0xa0, ATOMIC (0xc0) 0xe0.</summary>
    public static byte Unchecked(byte opcode) => (byte)(opcode ^ UncheckedMode);

    private const byte UncheckedMode = 0x20;
}
