using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH: up to MaxEntries keys, every node preallocated (as the kernel's default
/// preallocated hash map), so updates never allocate and a full map fails with -E2BIG.
/// Operations take a lock because hooked firmware functions run on many threads at once; a value
/// pointer handed out stays inside <see cref="ValueRegion"/> for the map's lifetime, even after its
/// key is deleted and the node reused (the kernel behaves the same way).
/// </summary>
public class HashMap : Map
{
    private readonly HashTable _table;
    private readonly Lock _gate = new();
    private readonly int _keySize;
    private readonly int _valueSize;

    public HashMap(MapDefinition definition) : this(definition, MapType.Hash) { }

    private protected HashMap(MapDefinition definition, MapType type) : base(definition)
    {
        MapValidation.Check(definition, type);
        _keySize = (int)definition.KeySize;
        _valueSize = (int)definition.ValueSize;
        _table = new HashTable((int)definition.MaxEntries, _keySize, _valueSize);
    }

    public int Count
    {
        get { lock (_gate) return _table.Count; }
    }

    public sealed override Region ValueRegion =>
        Region.FromLength(_table.ValuesAddress, _table.ValuesLength, Access.ReadWrite, RegionKind.MapValue);

    public sealed override ulong Lookup(ReadOnlySpan<byte> key)
    {
        if (key.Length != _keySize) return 0;
        int hash = HashTable.Hash(key);
        lock (_gate)
        {
            int node = _table.Find(key, hash);
            if (node < 0) return 0;
            Used(node);
            return _table.ValueAddress(node);
        }
    }

    public sealed override long Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if (flags > MapUpdateFlags.Exist || key.Length != _keySize || value.Length != _valueSize) return Errno.EINVAL;
        int hash = HashTable.Hash(key);
        lock (_gate)
        {
            int node = _table.Find(key, hash);
            if (node >= 0)
            {
                if (flags == MapUpdateFlags.NoExist) return Errno.EEXIST;
                Used(node);
            }
            else
            {
                if (flags == MapUpdateFlags.Exist) return Errno.ENOENT;
                node = _table.Add(key, hash);
                if (node < 0)
                {
                    int victim = Victim();
                    if (victim < 0) return Errno.E2BIG;
                    Remove(victim);
                    node = _table.Add(key, hash);
                }
                Inserted(node);
            }
            // CopyTo is a memmove: the value may be a pointer into this very map.
            value.CopyTo(_table.Value(node, _valueSize));
            return 0;
        }
    }

    public sealed override long Delete(ReadOnlySpan<byte> key)
    {
        if (key.Length != _keySize) return Errno.EINVAL;
        int hash = HashTable.Hash(key);
        lock (_gate)
        {
            int node = _table.Find(key, hash);
            if (node < 0) return Errno.ENOENT;
            Remove(node);
            return 0;
        }
    }

    public sealed override void Dispose()
    {
        lock (_gate) _table.Dispose();
    }

    // Hooks for the LRU variant, called under the lock with the node concerned.

    /// <summary>A key was found by a lookup or replaced by an update.</summary>
    private protected virtual void Used(int node) { }

    /// <summary>A key was added.</summary>
    private protected virtual void Inserted(int node) { }

    /// <summary>A key was deleted or evicted.</summary>
    private protected virtual void Removed(int node) { }

    /// <summary>The node to evict when the table is full, or -1 to fail the update with -E2BIG.</summary>
    private protected virtual int Victim() => -1;

    private void Remove(int node)
    {
        _table.Remove(node);
        Removed(node);
    }
}
