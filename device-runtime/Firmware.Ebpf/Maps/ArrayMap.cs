using System.Runtime.InteropServices;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY: MaxEntries values indexed by a u32 key, all present from the start (zeroed), at
/// <see cref="BaseAddress"/> + index * <see cref="Stride"/>. Global data sections are one-element arrays
/// whose element 0 starts as the section's contents. No lock: every element always exists, so an update
/// is a plain copy, racing with readers exactly as in the kernel.
/// </summary>
public sealed unsafe class ArrayMap : Map
{
    private byte* _base;
    private uint _count; // 0 once disposed, so every index is out of range
    private Region _region;

    public ArrayMap(MapDefinition definition) : base(definition)
    {
        MapValidation.Check(definition, MapType.Array);
        Stride = NativeBlock.Stride(definition.ValueSize);
        _count = definition.MaxEntries;
        _base = NativeBlock.Allocate(_count * Stride);
        definition.InitialValue?.CopyTo(new Span<byte>(_base, definition.InitialValue.Length));
        _region = Region.FromLength((ulong)_base, _count * Stride,
            definition.ReadOnly ? Access.Read : Access.ReadWrite,
            definition.InitialValue is null ? RegionKind.MapValue : RegionKind.Global);
    }

    /// <summary>Address of element 0; the JITs inline lookups as base + index * stride.</summary>
    public ulong BaseAddress => (ulong)_base;

    /// <summary>Distance between elements: the value size rounded up to 8.</summary>
    public ulong Stride { get; }

    public override Region ValueRegion => _region;

    public override ulong Lookup(ReadOnlySpan<byte> key)
    {
        if (key.Length != sizeof(uint)) return 0;
        uint index = MemoryMarshal.Read<uint>(key);
        return index < _count ? (ulong)_base + index * Stride : 0;
    }

    /// <remarks>
    /// Read-only arrays (.rodata) refuse with -EPERM, as the kernel refuses updates to a frozen map:
    /// the program's constants must not change under it.
    /// </remarks>
    public override long Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if (flags > MapUpdateFlags.Exist || key.Length != sizeof(uint) || value.Length != Definition.ValueSize) return Errno.EINVAL;
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= _count) return Errno.E2BIG;
        if (flags == MapUpdateFlags.NoExist) return Errno.EEXIST;
        if (Definition.ReadOnly) return Errno.EPERM;
        value.CopyTo(new Span<byte>(_base + index * Stride, value.Length));
        return 0;
    }

    /// <summary>Array elements cannot be deleted.</summary>
    public override long Delete(ReadOnlySpan<byte> key) => Errno.EINVAL;

    public override void Dispose()
    {
        _count = 0;
        _region = default;
        NativeBlock.Free(ref _base);
    }
}
