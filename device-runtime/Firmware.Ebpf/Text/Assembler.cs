using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Text;

/// <summary>eBPF assembly (uBPF/bpf_conformance syntax and LLVM pseudo-C syntax) to instruction slots.</summary>
public static class Assembler
{
    /// <summary>Assembles program text; throws <see cref="ProgramFormatException"/> with "line N: reason" on bad input.</summary>
    public static Instruction[] Assemble(string text) => throw new NotImplementedException("assembler: work in progress");
}
