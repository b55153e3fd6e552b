namespace Firmware.Ebpf.Programs;

/// <summary>Source position of an instruction, from BTF.ext line info (clang -g).</summary>
public sealed record LineInfo(int Instruction, string File, int Line, int Column, string SourceLine);
