namespace Firmware.Nano.Memory;

/// <summary>
/// The outcome of one run: r0, or the fault (kind, instruction index, virtual address and access size)
/// that stopped it. Same meaning and message format as the .NET runtime's RunResult and Fault, except that
/// addresses are the profile's virtual ones.
/// </summary>
public sealed class RunResult
{
    public RunResult(ulong value, FaultKind kind, int instruction, ulong address, int size)
    {
        Value = value;
        Kind = kind;
        Instruction = instruction;
        Address = address;
        Size = size;
    }

    public ulong Value { get; }
    public FaultKind Kind { get; }
    public int Instruction { get; }
    public ulong Address { get; }
    public int Size { get; }
    public bool Ok => Kind == FaultKind.None;

    public static RunResult Success(ulong value) => new RunResult(value, FaultKind.None, 0, 0, 0);

    public static RunResult Failed(FaultKind kind, int instruction, ulong address, int size) =>
        new RunResult(0, kind, instruction, address, size);

    public override string ToString()
    {
        string at = "insn " + Instruction + ": ";
        switch (Kind)
        {
            case FaultKind.InvalidRead: return at + "invalid read of " + Size + " bytes at 0x" + Address.ToString("x");
            case FaultKind.InvalidWrite: return at + "invalid write of " + Size + " bytes at 0x" + Address.ToString("x");
            case FaultKind.BudgetExceeded: return at + "instruction budget exceeded";
            case FaultKind.CallDepthExceeded: return at + "call depth exceeded";
            case FaultKind.UnknownHelper: return at + "unknown helper " + Address;
            case FaultKind.MisalignedAtomic: return at + "misaligned atomic access of " + Size + " bytes at 0x" + Address.ToString("x");
            case FaultKind.HelperFault: return at + "helper refused a pointer of " + Size + " bytes at 0x" + Address.ToString("x");
            default: return "no fault";
        }
    }
}
