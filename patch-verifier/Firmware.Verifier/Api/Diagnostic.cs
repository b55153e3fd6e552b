using Firmware.Ebpf.Programs;

namespace Firmware.Verifier;

/// <summary>Why a program was rejected: the instruction, the message and the register state that failed.</summary>
public sealed record Diagnostic(int Instruction, string Message, LineInfo? Line, string? State = null)
{
    /// <summary>`FILE:LINE: error: MESSAGE` with line info, else `insn K: error: MESSAGE`; the state follows on its own line.</summary>
    public string Format(string file)
    {
        string where = Line is null ? $"insn {Instruction}" : $"{(Line.File.Length > 0 ? Line.File : file)}:{Line.Line}";
        string text = $"{where}: error: {Message}";
        if (Line is not null) text += $"\n  insn {Instruction}: {Line.SourceLine.Trim()}";
        if (State is not null) text += $"\n  state: {State}";
        return text;
    }
}
