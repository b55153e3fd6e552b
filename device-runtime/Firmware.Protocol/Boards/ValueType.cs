namespace Firmware.Protocol.Boards;

/// <summary>
/// The types a hook argument, context field or return value may have. Pointers are 64 bits in the
/// context whatever the board's word size, because eBPF registers are.
/// </summary>
public enum ValueType
{
    Void,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    Ptr,
}

public static class ValueTypes
{
    /// <summary>The spellings board.json and fwpatch.h use: u8..u64, s8..s64, ptr, void.</summary>
    public static string Name(this ValueType type) => type.ToString().ToLowerInvariant();

    public static ValueType? Parse(string name) =>
        Enum.GetValues<ValueType>().Cast<ValueType?>().FirstOrDefault(t => t!.Value.Name() == name);

    /// <summary>Size in a hook context; natural alignment equals size.</summary>
    public static int Size(this ValueType type) => type switch
    {
        ValueType.U8 or ValueType.S8 => 1,
        ValueType.U16 or ValueType.S16 => 2,
        ValueType.U32 or ValueType.S32 => 4,
        ValueType.U64 or ValueType.S64 or ValueType.Ptr => 8,
        _ => 0,
    };

    public static bool IsInteger(this ValueType type) => type is not (ValueType.Void or ValueType.Ptr);
}
