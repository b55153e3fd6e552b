namespace Firmware.Ebpf.Memory;

[Flags]
public enum Access : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}

/// <summary>What a region holds; reported in faults and used by the verifier's pointer types.</summary>
public enum RegionKind : byte
{
    Stack,
    Context,
    Buffer,
    MapValue,
    Global,
}

/// <summary>
/// A range of host memory [Start, End) a run may touch, with the rights it has there. Regions are
/// native addresses: the interpreter and the JITs dereference them directly once a check passed.
/// </summary>
public readonly record struct Region(ulong Start, ulong End, Access Access, RegionKind Kind)
{
    public ulong Length => End - Start;

    public static Region FromLength(ulong start, ulong length, Access access, RegionKind kind) =>
        new(start, start + length, access, kind);

    /// <summary>Whether [address, address + size) lies inside this region and the region grants <paramref name="access"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Allows(ulong address, ulong size, Access access) =>
        // One unsigned comparison covers both ends: address below Start wraps to a huge offset.
        address - Start <= Length - size && Length >= size && (Access & access) == access;
}
