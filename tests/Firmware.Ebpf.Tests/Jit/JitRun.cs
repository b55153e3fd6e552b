using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.X64;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>A program compiled by the x64 JIT next to the interpreter, over one instance (same stack, maps and helpers).</summary>
internal sealed class JitRun : IDisposable
{
    public JitRun(string assembly, HelperTable? helpers = null, IReadOnlyList<MapDefinition>? maps = null,
        ExecutionLimits? limits = null, IAccessProofs? proofs = null)
        : this(Assembler.Assemble(assembly), helpers, maps, limits, proofs)
    {
    }

    public JitRun(Instruction[] code, HelperTable? helpers = null, IReadOnlyList<MapDefinition>? maps = null,
        ExecutionLimits? limits = null, IAccessProofs? proofs = null)
    {
        Assert.Null(Decoder.Validate(code));
        Instance = ProgramInstance.Create(new EbpfProgram("test", code, maps), helpers ?? new HelperTable(), limits);
        Proofs = proofs ?? NoProofs.Instance;
        Jit = X64Jit.CreateEngine(Instance, Proofs);
        Interpreter = Engines.Create(Engines.Interpreter, Instance);
    }

    public ProgramInstance Instance { get; }
    public IAccessProofs Proofs { get; }
    public JitEngine Jit { get; }
    public IEngine Interpreter { get; }

    /// <summary>What the compiler produced for this instance (its helper table, exit sites, cache slots).</summary>
    public JitProgram Compiled => X64Jit.Compile(Instance, Proofs);

    /// <summary>
    /// Runs both engines on the same pinned buffer, each starting from <paramref name="buffer"/>'s contents;
    /// asserts the same result and the same buffer afterwards, leaves that in <paramref name="buffer"/> and
    /// returns the JIT's result.
    /// </summary>
    public RunResult RunBoth(byte[]? buffer = null)
    {
        buffer ??= [];
        var pinned = GC.AllocateArray<byte>(buffer.Length, pinned: true);
        buffer.CopyTo(pinned, 0);
        var expected = Interpreter.RunOnBuffer(pinned);
        var expectedBuffer = pinned.ToArray();
        buffer.CopyTo(pinned, 0);
        var actual = Jit.RunOnBuffer(pinned);
        Assert.Equal(expected, actual);
        Assert.Equal(expectedBuffer, pinned);
        pinned.CopyTo(buffer, 0);
        return actual;
    }

    public void Dispose()
    {
        Jit.Dispose();
        Interpreter.Dispose();
        Instance.Dispose();
    }
}
