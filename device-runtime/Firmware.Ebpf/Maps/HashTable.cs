using System.Numerics;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// The storage both hash maps share: an arena of a fixed number of nodes (keys and values in native
/// memory, chain links in managed arrays), buckets chaining the nodes whose hashes share the low bits,
/// and a free list. Nothing allocates after construction; when no node is free the table says so and
/// the map decides whether to fail or to evict. Not thread-safe: the map serialises calls.
/// </summary>
internal sealed unsafe class HashTable : IDisposable
{
    private const int None = -1;

    private readonly int _keySize;
    private readonly ulong _keyStride;
    private readonly ulong _valueStride;
    private readonly int[] _buckets; // first node of each chain, or None
    private readonly int[] _next;    // next node in the same chain, or in the free list
    private readonly int[] _hashes;  // each node's full hash, compared before its key bytes
    private readonly int _bucketMask;
    private byte* _keys;
    private byte* _values;
    private int _free;

    public HashTable(int capacity, int keySize, int valueSize)
    {
        _keySize = keySize;
        _keyStride = NativeBlock.Stride((uint)keySize);
        _valueStride = NativeBlock.Stride((uint)valueSize);
        Capacity = capacity;
        _buckets = new int[BucketCount((uint)capacity)];
        _bucketMask = _buckets.Length - 1;
        Array.Fill(_buckets, None);
        _next = new int[capacity];
        _hashes = new int[capacity];
        for (int i = 0; i < capacity; i++) _next[i] = i + 1 < capacity ? i + 1 : None;
        _free = 0;
        _keys = NativeBlock.Allocate((ulong)capacity * _keyStride);
        _values = NativeBlock.Allocate((ulong)capacity * _valueStride);
    }

    public int Capacity { get; }
    public int Count { get; private set; }
    public ulong ValuesAddress => (ulong)_values;
    public ulong ValuesLength => _values == null ? 0 : (ulong)Capacity * _valueStride;

    /// <summary>Bytes a table of this shape takes, native and managed, for the map memory budget.</summary>
    public static ulong Footprint(ulong capacity, uint keySize, uint valueSize) =>
        capacity * (NativeBlock.Stride(keySize) + NativeBlock.Stride(valueSize) + 2 * sizeof(int)) +
        BucketCount(capacity) * sizeof(int);

    // One bucket per node keeps the average chain at most one node long.
    private static ulong BucketCount(ulong capacity) => BitOperations.RoundUpToPowerOf2(Math.Max(capacity, 1));

    /// <summary>
    /// HashCode is seeded per process, so a program cannot precompute keys that all collide
    /// and turn every lookup into a walk of one long chain.
    /// </summary>
    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>The node holding <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        for (int node = _buckets[hash & _bucketMask]; node != None; node = _next[node])
            if (_hashes[node] == hash && Key(node).SequenceEqual(key)) return node;
        return None;
    }

    /// <summary>Takes a free node for <paramref name="key"/> (which must be absent) and returns it, or -1 when all are in use. The value is left as it was.</summary>
    public int Add(ReadOnlySpan<byte> key, int hash)
    {
        int node = _free;
        if (node == None) return None;
        _free = _next[node];
        key.CopyTo(new Span<byte>(_keys + (ulong)node * _keyStride, _keySize));
        _hashes[node] = hash;
        ref int bucket = ref _buckets[hash & _bucketMask];
        _next[node] = bucket;
        bucket = node;
        Count++;
        return node;
    }

    /// <summary>Unlinks <paramref name="node"/> and frees it. Its value memory stays mapped (a program may still hold a pointer) and is reused by a later insert.</summary>
    public void Remove(int node)
    {
        ref int link = ref _buckets[_hashes[node] & _bucketMask];
        while (link != node) link = ref _next[link];
        link = _next[node];
        _next[node] = _free;
        _free = node;
        Count--;
    }

    public ulong ValueAddress(int node) => (ulong)_values + (ulong)node * _valueStride;

    public Span<byte> Value(int node, int length) => new(_values + (ulong)node * _valueStride, length);

    private ReadOnlySpan<byte> Key(int node) => new(_keys + (ulong)node * _keyStride, _keySize);

    /// <summary>Frees the memory and leaves an empty table with no free node, so a stray call finds nothing and adds nothing.</summary>
    public void Dispose()
    {
        Array.Fill(_buckets, None);
        _free = None;
        Count = 0;
        NativeBlock.Free(ref _keys);
        NativeBlock.Free(ref _values);
    }
}
