using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Engine;

/// <summary>Something that runs a <see cref="ProgramInstance"/>: the interpreter or a JIT's compiled code.</summary>
public interface IEngine : IDisposable
{
    string Name { get; }
    ProgramInstance Instance { get; }

    /// <summary>Runs once with r1..r5 set; the caller has added the run's regions with <see cref="ProgramInstance.BeginRun"/>.</summary>
    RunResult Execute(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
}
