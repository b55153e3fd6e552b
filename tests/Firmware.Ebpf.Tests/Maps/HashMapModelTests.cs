using CsCheck;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Maps;

/// <summary>
/// Random sequences of updates, lookups and deletes run against a map and against a dictionary model;
/// every result (errno, found or not, value bytes) must agree. Few distinct keys and small capacities
/// make full maps, flag conflicts, reuse of deleted nodes and evictions common.
/// </summary>
public class HashMapModelTests
{
    private const int KeySize = 6, ValueSize = 12;

    private enum Kind { Update, Lookup, Delete }

    private readonly record struct Op(Kind Kind, byte Key, byte Value, ulong Flags)
    {
        public override string ToString() => Kind == Kind.Update ? $"Update({Key}, {Value}, flags {Flags})" : $"{Kind}({Key})";
    }

    private static readonly Gen<byte> Keys = Gen.Byte[0, 15];

    private static readonly Gen<Op> Ops = Gen.Frequency(
        (3, Gen.Select(Keys, Gen.Byte, Gen.ULong[0, 3], (k, v, f) => new Op(Kind.Update, k, v, f))),
        (2, Keys.Select(k => new Op(Kind.Lookup, k, 0, 0))),
        (1, Keys.Select(k => new Op(Kind.Delete, k, 0, 0))));

    private static readonly Gen<(int, Op[])> Cases = Gen.Select(Gen.Int[1, 12], Ops.Array[0, 150]);

    [Fact]
    public void HashMap_behaves_like_a_bounded_dictionary() =>
        Cases.Sample((capacity, ops) => Run(MapType.Hash, capacity, ops), iter: 400);

    [Fact]
    public void LruHashMap_behaves_like_a_dictionary_with_exact_recency() =>
        Cases.Sample((capacity, ops) => Run(MapType.LruHash, capacity, ops), iter: 400);

    private static void Run(MapType type, int capacity, Op[] ops)
    {
        using var map = MapFactory.Create(Hash(KeySize, ValueSize, (uint)capacity, type));
        var model = new Model(capacity, evicts: type == MapType.LruHash);
        foreach (var op in ops)
        {
            byte[] key = [op.Key, 0, 0xA5, 0, 0, op.Key];
            switch (op.Kind)
            {
                case Kind.Update:
                    var value = Enumerable.Range(op.Value, ValueSize).Select(b => (byte)b).ToArray();
                    Assert.Equal(model.Update(op.Key, value, op.Flags), map.Update(key, value, op.Flags));
                    break;
                case Kind.Lookup:
                    ulong address = map.Lookup(key);
                    var expected = model.Lookup(op.Key);
                    if (expected is null) Assert.Equal(0UL, address);
                    else
                    {
                        Assert.True(map.ValueRegion.Allows(address, ValueSize, Access.ReadWrite));
                        Assert.Equal(expected, At(address, ValueSize));
                    }
                    break;
                case Kind.Delete:
                    Assert.Equal(model.Delete(op.Key), map.Delete(key));
                    break;
            }
        }
        Assert.Equal(model.Count, ((HashMap)map).Count);
    }

    /// <summary>The semantics spelled out plainly: a dictionary, a capacity, and a most-recent-first list of keys.</summary>
    private sealed class Model(int capacity, bool evicts)
    {
        private readonly Dictionary<byte, byte[]> _values = [];
        private readonly List<byte> _recency = [];

        public int Count => _values.Count;

        public long Update(byte key, byte[] value, ulong flags)
        {
            if (flags > MapUpdateFlags.Exist) return Errno.EINVAL;
            bool present = _values.ContainsKey(key);
            if (present && flags == MapUpdateFlags.NoExist) return Errno.EEXIST;
            if (!present && flags == MapUpdateFlags.Exist) return Errno.ENOENT;
            if (!present && _values.Count == capacity)
            {
                if (!evicts) return Errno.E2BIG;
                Delete(_recency[^1]);
            }
            _values[key] = value;
            Touch(key);
            return 0;
        }

        public byte[]? Lookup(byte key)
        {
            if (!_values.TryGetValue(key, out var value)) return null;
            Touch(key);
            return value;
        }

        public long Delete(byte key)
        {
            if (!_values.Remove(key)) return Errno.ENOENT;
            _recency.Remove(key);
            return 0;
        }

        private void Touch(byte key)
        {
            _recency.Remove(key);
            _recency.Insert(0, key);
        }
    }
}
