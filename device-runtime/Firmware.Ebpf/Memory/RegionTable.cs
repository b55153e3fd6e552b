namespace Firmware.Ebpf.Memory;

/// <summary>
/// The regions one run may touch. Small and linear on purpose: a run has a handful of regions
/// (stack, context or buffer, a few maps), and a linear scan over a flat array beats any index at that size.
/// The table is reused across runs; nothing here allocates after construction unless it grows.
/// </summary>
public sealed class RegionTable
{
    private Region[] _regions = new Region[8];

    public int Count { get; private set; }

    public ReadOnlySpan<Region> Regions => _regions.AsSpan(0, Count);

    public void Add(Region region)
    {
        if (region.Length == 0) return;
        if (Count == _regions.Length) Array.Resize(ref _regions, Count * 2);
        _regions[Count++] = region;
    }

    /// <summary>Drops the regions from index <paramref name="count"/> on (per-run regions sit after the fixed ones).</summary>
    public void Truncate(int count) => Count = Math.Min(Count, count);

    public bool Allows(ulong address, ulong size, Access access)
    {
        var regions = _regions;
        for (int i = 0; i < Count; i++)
            if (regions[i].Allows(address, size, access)) return true;
        return false;
    }
}
