using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_LRU_HASH: a <see cref="HashMap"/> that, when full, makes room for a new key by evicting
/// the least recently used one instead of failing. Lookups and updates count as uses. The order is
/// exact (the kernel's is approximate, per CPU), which only makes eviction more predictable.
/// </summary>
public sealed class LruHashMap : HashMap
{
    private readonly RecencyList _recency;

    public LruHashMap(MapDefinition definition) : base(definition, MapType.LruHash) =>
        _recency = new RecencyList((int)definition.MaxEntries);

    private protected override void Used(int node) => _recency.MoveToFirst(node);
    private protected override void Inserted(int node) => _recency.AddFirst(node);
    private protected override void Removed(int node) => _recency.Remove(node);
    private protected override int Victim() => _recency.Least;
}
