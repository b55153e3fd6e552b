using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// A live map. Values live in native memory that never moves, so a program can hold a pointer to a
/// value (map_lookup_elem returns one) and the engines can check it with the ordinary region test:
/// every value of a map lies inside <see cref="ValueRegion"/>. Keys and values passed in are already
/// checked guest memory; implementations copy them and never keep the span.
/// </summary>
public abstract class Map : IDisposable
{
    protected Map(MapDefinition definition) => Definition = definition;

    public MapDefinition Definition { get; }

    /// <summary>The opaque value a program receives for this map from lddw; not an address it can read.</summary>
    public ulong Handle { get; internal set; }

    /// <summary>The native memory holding all values; the program may read it (and write it unless read-only).</summary>
    public abstract Region ValueRegion { get; }

    /// <summary>Address of the value for <paramref name="key"/>, or 0 when absent.</summary>
    public abstract ulong Lookup(ReadOnlySpan<byte> key);

    /// <summary>Kernel semantics: 0 on success, a negative errno otherwise (flags BPF_ANY, BPF_NOEXIST, BPF_EXIST).</summary>
    public abstract long Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags);

    /// <summary>0 on success, a negative errno otherwise.</summary>
    public abstract long Delete(ReadOnlySpan<byte> key);

    public abstract void Dispose();
}
