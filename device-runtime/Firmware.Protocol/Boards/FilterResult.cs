namespace Firmware.Protocol.Boards;

/// <summary>
/// What a filter patch's r0 means (fwpatch.h's FW_CONTINUE and FW_RETURN): high 32 bits 0 continue into
/// the original function; 1 return the low 32 bits instead. Anything else is a patch bug and continues.
/// </summary>
public static class FilterResult
{
    public const ulong Continue = 0;

    public static ulong Return(uint value) => (1UL << 32) | value;

    public static bool TryGetReturn(ulong r0, out uint value)
    {
        value = (uint)r0;
        return r0 >> 32 == 1;
    }
}
