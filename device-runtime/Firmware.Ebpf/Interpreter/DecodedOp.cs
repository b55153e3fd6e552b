using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Interpreter;

/// <summary>
/// One pre-decoded slot: what the dispatch loop needs with nothing left to compute. Jumps hold their
/// absolute target, lddw its resolved 64-bit value, helper calls an index into the helper array,
/// immediates are already sign-extended. Slot indices match the bytecode's, so faults name the
/// instruction the user wrote.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DecodedOp
{
    public byte Opcode;
    public byte Dst;
    public byte Src;
    /// <summary>Memory offset, or the absolute target of a jump or local call.</summary>
    public int Offset;
    /// <summary>Sign-extended imm, lddw value, or helper index.</summary>
    public long Imm;
}
