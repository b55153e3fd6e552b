using Firmware.Nano.Memory;

namespace Firmware.Nano.Hooks;

/// <summary>
/// One field of a hook's context, as the board defines it (Firmware.Ebpf.Memory.ContextField): where it
/// is, how wide, and what a patch may do with it. Bytes no field covers are neither readable nor writable.
/// </summary>
public sealed class ContextField
{
    public ContextField(string name, int offset, int size, Access access)
    {
        Name = name;
        Offset = offset;
        Size = size;
        Access = access;
    }

    public string Name { get; }
    public int Offset { get; }
    public int Size { get; }
    public Access Access { get; }
}
