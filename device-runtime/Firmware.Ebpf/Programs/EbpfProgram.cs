using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Programs;

/// <summary>
/// A loaded program: its instruction slots (already validated by <see cref="Decoder"/>), the maps it
/// references and the source lines it came from. Map references are normalised to
/// <see cref="LddwKind.MapByIndex"/> (imm = index into <see cref="Maps"/>) and
/// <see cref="LddwKind.MapValueByIndex"/> (imm = index, second imm = offset into the value), whatever
/// form the object used.
/// </summary>
public sealed class EbpfProgram
{
    public EbpfProgram(string name, Instruction[] instructions, IReadOnlyList<MapDefinition>? maps = null,
        IReadOnlyList<LineInfo>? lines = null)
    {
        Name = name;
        Instructions = instructions;
        Maps = maps ?? [];
        Lines = lines ?? [];
    }

    public string Name { get; }
    public Instruction[] Instructions { get; }
    public IReadOnlyList<MapDefinition> Maps { get; }
    /// <summary>Sorted by instruction index; an instruction without its own entry belongs to the one before it.</summary>
    public IReadOnlyList<LineInfo> Lines { get; }

    /// <summary>The source line an instruction came from, or null when the program has no line info.</summary>
    public LineInfo? LineOf(int instruction)
    {
        LineInfo? best = null;
        foreach (var line in Lines)
        {
            if (line.Instruction > instruction) break;
            best = line;
        }
        return best;
    }

    /// <summary>A program from raw bytecode; throws <see cref="ProgramFormatException"/> if it does not decode.</summary>
    public static EbpfProgram FromBytecode(string name, ReadOnlySpan<byte> code)
    {
        var instructions = Decoder.Decode(code, out var error);
        if (error is not null) throw new ProgramFormatException(error.ToString());
        return new EbpfProgram(name, instructions);
    }

    /// <summary>A program from assembled slots, validated exactly as bytecode is.</summary>
    public static EbpfProgram FromInstructions(string name, Instruction[] instructions)
    {
        var error = Decoder.Validate(instructions);
        if (error is not null) throw new ProgramFormatException(error.ToString());
        return new EbpfProgram(name, instructions);
    }
}

/// <summary>Input that is not a valid program (bad bytecode, assembly or object file). The message is for users.</summary>
public sealed class ProgramFormatException(string message) : Exception(message);
