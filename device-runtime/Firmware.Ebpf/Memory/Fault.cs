namespace Firmware.Ebpf.Memory;

public enum FaultKind : byte
{
    None,
    /// <summary>A load outside every readable region.</summary>
    InvalidRead,
    /// <summary>A store outside every writable region.</summary>
    InvalidWrite,
    /// <summary>The run used up its instruction budget.</summary>
    BudgetExceeded,
    /// <summary>A local call went deeper than the frame limit.</summary>
    CallDepthExceeded,
    /// <summary>A call named a helper the run does not provide.</summary>
    UnknownHelper,
    /// <summary>An atomic operation on an address not aligned to its size.</summary>
    MisalignedAtomic,
    /// <summary>A helper refused its arguments (a guest pointer outside the regions, a bad map handle, ...).</summary>
    HelperFault,
}

/// <summary>
/// Why a run stopped early: the instruction index, the guest address and access size involved (0 when
/// not a memory fault) and the kind. Runs return it as a value; it never escapes as an exception.
/// </summary>
public readonly record struct Fault(FaultKind Kind, int Instruction, ulong Address = 0, int Size = 0)
{
    public bool IsFault => Kind != FaultKind.None;

    public override string ToString() => Kind switch
    {
        FaultKind.InvalidRead => $"insn {Instruction}: invalid read of {Size} bytes at 0x{Address:x}",
        FaultKind.InvalidWrite => $"insn {Instruction}: invalid write of {Size} bytes at 0x{Address:x}",
        FaultKind.BudgetExceeded => $"insn {Instruction}: instruction budget exceeded",
        FaultKind.CallDepthExceeded => $"insn {Instruction}: call depth exceeded",
        FaultKind.UnknownHelper => $"insn {Instruction}: unknown helper {Address}",
        FaultKind.MisalignedAtomic => $"insn {Instruction}: misaligned atomic access of {Size} bytes at 0x{Address:x}",
        FaultKind.HelperFault => $"insn {Instruction}: helper refused a pointer of {Size} bytes at 0x{Address:x}",
        _ => "no fault",
    };
}

/// <summary>The outcome of one run: r0, or the fault that stopped it.</summary>
public readonly record struct RunResult(ulong Value, Fault Fault)
{
    public bool Ok => !Fault.IsFault;
    public static RunResult Success(ulong value) => new(value, default);
    public static RunResult Failed(Fault fault) => new(0, fault);
}
