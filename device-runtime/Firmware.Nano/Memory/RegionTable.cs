namespace Firmware.Nano.Memory;

/// <summary>
/// The regions one run may touch: the fixed ones (stack, map values) first, then the run's own (context or
/// buffer). A flat array scanned linearly: a run has a handful of regions.
/// </summary>
public sealed class RegionTable
{
    private Region[] _regions = new Region[8];

    public int Count { get; private set; }

    public Region this[int index] => _regions[index];

    public void Add(Region region)
    {
        if (region.Length == 0) return;
        if (Count == _regions.Length)
        {
            var grown = new Region[Count * 2];
            System.Array.Copy(_regions, grown, Count);
            _regions = grown;
        }
        _regions[Count++] = region;
    }

    /// <summary>Drops the regions from index <paramref name="count"/> on.</summary>
    public void Truncate(int count)
    {
        for (int i = count; i < Count; i++) _regions[i] = null;
        if (count < Count) Count = count;
    }

    /// <summary>The region holding all of [address, address + size) with the rights asked for, or null.</summary>
    public Region Find(ulong address, ulong size, Access access)
    {
        for (int i = 0; i < Count; i++)
            if (_regions[i].Allows(address, size, access)) return _regions[i];
        return null;
    }
}
