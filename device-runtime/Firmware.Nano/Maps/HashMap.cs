using System;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH with every node preallocated (the kernel's default): updates never allocate, a full map
/// fails with -E2BIG, keys are compared by content. Node n's value sits at ValueBase + n * stride and stays
/// inside the value region after its key is deleted, as in the .NET map. Not locked: the profile runs
/// programs on the firmware thread that calls the hook point.
/// </summary>
public sealed class HashMap : Map
{
    private readonly Region _region;
    private readonly uint _stride;
    private readonly int _keySize;
    private readonly byte[] _keys;
    private readonly int[] _buckets; // first node of each chain, -1 when empty
    private readonly int[] _next;    // next node in the chain, or in the free list
    private int _free;               // head of the free list, -1 when full

    public HashMap(MapDefinition definition, ulong valueBase, ulong handle) : base(definition, valueBase, handle)
    {
        int capacity = (int)definition.MaxEntries;
        _keySize = (int)definition.KeySize;
        _stride = Stride(definition.ValueSize);
        _region = new Region(valueBase, new byte[capacity * _stride], Access.ReadWrite, RegionKind.MapValue);
        _keys = new byte[capacity * _keySize];
        int buckets = 1;
        while (buckets < capacity) buckets <<= 1;
        _buckets = new int[buckets];
        for (int i = 0; i < buckets; i++) _buckets[i] = -1;
        _next = new int[capacity];
        for (int i = 0; i < capacity; i++) _next[i] = i + 1 < capacity ? i + 1 : -1;
        _free = 0;
    }

    public int Count { get; private set; }

    public override Region ValueRegion => _region;

    public override ulong Lookup(byte[] key, int at)
    {
        int node = Find(key, at, out _, out _);
        return node < 0 ? 0 : ValueBase + (ulong)node * _stride;
    }

    public override long Update(byte[] key, int keyAt, byte[] value, int valueAt, ulong flags)
    {
        if (flags > MapUpdateFlags.Exist) return Errno.EINVAL;
        int node = Find(key, keyAt, out int bucket, out _);
        if (node >= 0)
        {
            if (flags == MapUpdateFlags.NoExist) return Errno.EEXIST;
        }
        else
        {
            if (flags == MapUpdateFlags.Exist) return Errno.ENOENT;
            if (_free < 0) return Errno.E2BIG;
            node = _free;
            _free = _next[node];
            Array.Copy(key, keyAt, _keys, node * _keySize, _keySize);
            _next[node] = _buckets[bucket];
            _buckets[bucket] = node;
            Count++;
        }
        // Array.Copy is a memmove: the value may be a pointer into this very map.
        Array.Copy(value, valueAt, _region.Data, (int)(node * _stride), (int)Definition.ValueSize);
        return 0;
    }

    public override long Delete(byte[] key, int at)
    {
        int node = Find(key, at, out int bucket, out int previous);
        if (node < 0) return Errno.ENOENT;
        if (previous < 0) _buckets[bucket] = _next[node];
        else _next[previous] = _next[node];
        _next[node] = _free;
        _free = node;
        Count--;
        return 0;
    }

    /// <summary>The node holding the key, or -1; also the key's bucket and the node before it in the chain.</summary>
    private int Find(byte[] key, int at, out int bucket, out int previous)
    {
        bucket = (int)(Hash(key, at) & (uint)(_buckets.Length - 1));
        previous = -1;
        for (int node = _buckets[bucket]; node >= 0; node = _next[node])
        {
            if (SameKey(key, at, node)) return node;
            previous = node;
        }
        return -1;
    }

    private bool SameKey(byte[] key, int at, int node)
    {
        int stored = node * _keySize;
        for (int i = 0; i < _keySize; i++)
            if (_keys[stored + i] != key[at + i]) return false;
        return true;
    }

    /// <summary>FNV-1a: cheap on an MCU and good enough for keys the program cannot choose adversarially at scale.</summary>
    private uint Hash(byte[] key, int at)
    {
        uint hash = 2166136261;
        for (int i = 0; i < _keySize; i++)
            hash = (hash ^ key[at + i]) * 16777619;
        return hash;
    }
}
