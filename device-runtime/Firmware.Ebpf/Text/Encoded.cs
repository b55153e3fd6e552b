using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Text;

/// <summary>
/// What one line of assembly becomes: one slot, or two for lddw, and the label whose distance goes into
/// the jump field once every label is known.
/// </summary>
internal readonly record struct Encoded(Instruction Insn, Instruction? Next = null, string? Label = null)
{
    public static implicit operator Encoded(Instruction insn) => new(insn);

    /// <summary>The two slots of lddw: the low 32 bits of the value in the first, the high 32 bits in the second.</summary>
    public static Encoded Lddw(byte dst, byte kind, long imm64) => new(
        new Instruction(Opcode.Lddw, dst, kind, 0, unchecked((int)imm64)),
        new Instruction(0, 0, 0, 0, (int)(imm64 >> 32)));
}

/// <summary>Where an instruction keeps its jump distance: ja32 and local calls in the 32-bit immediate, other jumps in the 16-bit offset.</summary>
internal static class JumpField
{
    public static bool InImmediate(Instruction insn) =>
        insn.Opcode == Opcode.Ja32 || (insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Local);

    public static long Distance(Instruction insn) => InImmediate(insn) ? insn.Imm : insn.Offset;

    public static Instruction WithDistance(Instruction insn, long distance)
    {
        if (InImmediate(insn))
            return distance is >= int.MinValue and <= int.MaxValue
                ? insn with { Imm = (int)distance }
                : throw new SyntaxError($"jump distance {distance} does not fit in 32 bits");
        return distance is >= short.MinValue and <= short.MaxValue
            ? insn with { Offset = (short)distance }
            : throw new SyntaxError($"jump distance {distance} does not fit in a 16-bit offset (use ja32/gotol)");
    }

    /// <summary>A jump to <paramref name="target"/>: a signed slot distance (+3, -0x2) or a label resolved later.</summary>
    public static Encoded To(Instruction insn, string target) => Operands.IsNumber(target.Replace(" ", ""))
        ? WithDistance(insn, Operands.Distance(target))
        : IsLabel(target) ? new Encoded(insn, Label: target) : throw new SyntaxError($"bad jump target '{target}'");

    public static bool IsLabel(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '.') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');
}
