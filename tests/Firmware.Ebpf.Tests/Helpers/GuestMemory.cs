using System.Runtime.InteropServices;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;

namespace Firmware.Ebpf.Tests.Helpers;

/// <summary>
/// What a run would give helpers: a pinned native buffer granted as a region, the maps of the program
/// with their value regions, and an <see cref="ExecutionContext"/> over them. Also a second native
/// buffer that is real, readable memory but granted to nobody, for pointers a helper must refuse.
/// </summary>
internal sealed unsafe class GuestMemory : IDisposable
{
    private readonly byte* _buffer;
    private readonly byte* _outside;

    public GuestMemory(int size, params MapDefinition[] maps)
    {
        Size = size;
        _buffer = (byte*)NativeMemory.AllocZeroed((nuint)size);
        _outside = (byte*)NativeMemory.AllocZeroed((nuint)size);
        Maps = new MapSet(maps);
        var regions = new RegionTable();
        regions.Add(Region.FromLength(Address, (ulong)size, Access.ReadWrite, RegionKind.Buffer));
        foreach (var map in Maps) regions.Add(map.ValueRegion);
        Context = new ExecutionContext(regions, Maps);
    }

    public int Size { get; }
    public MapSet Maps { get; }
    public ExecutionContext Context { get; }
    public ulong Address => (ulong)_buffer;
    public Span<byte> Bytes => new(_buffer, Size);

    /// <summary>Readable host memory that no region covers.</summary>
    public ulong Outside => (ulong)_outside;

    /// <summary>Copies <paramref name="data"/> into the granted buffer at <paramref name="offset"/> and returns its guest address.</summary>
    public ulong Put(int offset, ReadOnlySpan<byte> data)
    {
        data.CopyTo(Bytes[offset..]);
        return Address + (ulong)offset;
    }

    /// <summary>Copies <paramref name="data"/> into the ungranted buffer and returns its address.</summary>
    public ulong PutOutside(ReadOnlySpan<byte> data)
    {
        data.CopyTo(new Span<byte>(_outside, Size));
        return Outside;
    }

    public void Dispose()
    {
        Maps.Dispose();
        NativeMemory.Free(_buffer);
        NativeMemory.Free(_outside);
    }
}
