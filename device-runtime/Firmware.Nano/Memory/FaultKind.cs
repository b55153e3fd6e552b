namespace Firmware.Nano.Memory;

/// <summary>Why a run stopped early; same names and values as Firmware.Ebpf.Memory.FaultKind (a test compares them).</summary>
public enum FaultKind : byte
{
    None,
    InvalidRead,
    InvalidWrite,
    BudgetExceeded,
    CallDepthExceeded,
    UnknownHelper,
    MisalignedAtomic,
    HelperFault,
}
