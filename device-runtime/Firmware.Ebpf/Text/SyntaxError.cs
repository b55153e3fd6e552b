namespace Firmware.Ebpf.Text;

/// <summary>A problem with one line of assembly; the assembler adds the line number and turns it into a ProgramFormatException.</summary>
internal sealed class SyntaxError(string message) : Exception(message);
