namespace Firmware.Nano.Engine;

/// <summary>
/// Where the regions of an instance appear in the guest's address space. The addresses are virtual: a
/// program sees them in registers and faults report them, but nothing else means anything by them. The
/// defaults keep the regions far apart, so an overrun of one never lands in another; tests place them
/// where the .NET runtime's native regions are, so that both engines compute identical pointers.
/// </summary>
public sealed class AddressLayout
{
    public const ulong DefaultStackBase = 0x1000_0000;
    public const ulong DefaultContextBase = 0x2000_0000;
    public const ulong DefaultMapValueBase = 0x3000_0000;
    public const ulong DefaultMapValueSpacing = 0x0100_0000;
    public const ulong DefaultBufferBase = 0x4000_0000;
    /// <summary>Map i's handle is this + i (the .NET MapSet's numbering): non-zero, distinct, not an address.</summary>
    public const ulong DefaultMapHandleBase = 0xB9F0_0000_0000_0000;

    public ulong StackBase { get; set; } = DefaultStackBase;
    public ulong ContextBase { get; set; } = DefaultContextBase;
    public ulong BufferBase { get; set; } = DefaultBufferBase;

    /// <summary>Per-map value addresses; null places map i at DefaultMapValueBase + i * DefaultMapValueSpacing.</summary>
    public ulong[] MapValueBases { get; set; }

    /// <summary>Per-map handles; null numbers them from <see cref="DefaultMapHandleBase"/>.</summary>
    public ulong[] MapHandles { get; set; }

    public ulong MapValueBase(int index) =>
        MapValueBases != null ? MapValueBases[index] : DefaultMapValueBase + (ulong)index * DefaultMapValueSpacing;

    public ulong MapHandle(int index) => MapHandles != null ? MapHandles[index] : DefaultMapHandleBase + (ulong)index;
}
