namespace Firmware.Nano.Memory;

/// <summary>
/// A range of guest memory [Start, Start + Length) backed by Data[Offset, Offset + Length). Start is a virtual address:
/// nanoFramework has no pointers, so guest addresses only exist in the program's registers and are mapped
/// to (array, index) here. Loads and stores are little-endian whatever the board's byte order.
/// </summary>
public sealed class Region
{
    public Region(ulong start, byte[] data, Access access, RegionKind kind) : this(start, data, 0, data.Length, access, kind) { }

    /// <summary>A region over part of an array: a hook context's fields each get one, with the field's rights.</summary>
    public Region(ulong start, byte[] data, int offset, int length, Access access, RegionKind kind)
    {
        Start = start;
        Data = data;
        Offset = offset;
        Length = (ulong)length;
        Access = access;
        Kind = kind;
    }

    public ulong Start { get; }
    public byte[] Data { get; }
    public int Offset { get; }
    public ulong Length { get; }
    public Access Access { get; }
    public RegionKind Kind { get; }

    /// <summary>Where in <see cref="Data"/> the byte at a (checked) guest address is.</summary>
    public int IndexOf(ulong address) => Offset + (int)(address - Start);

    /// <summary>
    /// Whether [address, address + size) lies inside and the region grants <paramref name="access"/>; the same
    /// unsigned arithmetic as the .NET engines, so wrap-around addresses are refused the same way.
    /// </summary>
    public bool Allows(ulong address, ulong size, Access access) =>
        address - Start <= Length - size && Length >= size && (Access & access) == access;

    /// <summary>Reads <paramref name="size"/> bytes (1, 2, 4 or 8) at an address <see cref="Allows"/> accepted.</summary>
    public ulong Read(ulong address, int size)
    {
        int at = IndexOf(address);
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--)
            value = (value << 8) | Data[at + i];
        return value;
    }

    public void Write(ulong address, int size, ulong value)
    {
        int at = IndexOf(address);
        for (int i = 0; i < size; i++)
        {
            Data[at + i] = (byte)value;
            value >>= 8;
        }
    }
}
