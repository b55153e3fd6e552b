namespace Firmware.Nano.Isa;

/// <summary>Why a slot of bytecode is not a valid instruction (same indices and messages as Firmware.Ebpf's Decoder).</summary>
public sealed class DecodeError
{
    public DecodeError(int index, string reason)
    {
        Index = index;
        Reason = reason;
    }

    public int Index { get; }
    public string Reason { get; }

    public override string ToString() => "insn " + Index + ": " + Reason;
}
