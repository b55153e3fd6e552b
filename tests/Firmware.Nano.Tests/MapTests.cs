using CsCheck;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Programs;

namespace Firmware.Nano.Tests;

/// <summary>
/// The profile's array and hash maps against the core's on the same random operation sequences: the same
/// errno for every update and delete, the same keys present, the same values read back.
/// </summary>
public class MapTests
{
    private const uint KeySize = 4, ValueSize = 12, MaxEntries = 4;

    /// <summary>(kind 0..2 = update/delete/lookup, key 0..7, flags 0..3, value seed)</summary>
    private static readonly Gen<(int Kind, uint Key, ulong Flags, byte Seed)[]> Operations =
        Gen.Select(Gen.Int[0, 2], Gen.UInt[0, 7], Gen.Frequency((6, Gen.ULong[0, 2]), (1, Gen.Const(3UL))), Gen.Byte).Array[1, 40];

    [Theory]
    [InlineData(MapType.Hash, false)]
    [InlineData(MapType.Array, false)]
    [InlineData(MapType.Array, true)]
    public void Random_operations_agree_with_the_core(MapType type, bool readOnly) =>
        Operations.Sample(operations =>
        {
            var definition = new MapDefinition("m", type, KeySize, ValueSize, MaxEntries, ReadOnly: readOnly);
            using Map host = type == MapType.Hash ? new HashMap(definition) : new ArrayMap(definition);
            dynamic device = NanoAssembly.Call("Maps.MapFactory", "Create", Nano.MapDefinition(definition), 0x3000_0000UL, 1UL)!;
            foreach (var (kind, key, flags, seed) in operations)
            {
                byte[] keyBytes = BitConverter.GetBytes(key);
                byte[] value = [.. Enumerable.Range(0, (int)ValueSize).Select(i => (byte)(seed + i))];
                switch (kind)
                {
                    case 0:
                        Assert.Equal(host.Update(keyBytes, value, flags), (long)device.Update(keyBytes, 0, value, 0, flags));
                        break;
                    case 1:
                        Assert.Equal(host.Delete(keyBytes), (long)device.Delete(keyBytes, 0));
                        break;
                    default:
                        Assert.Equal(HostValue(host, keyBytes), DeviceValue(device, keyBytes));
                        break;
                }
            }
        }, iter: 2000);

    private static unsafe byte[]? HostValue(Map map, byte[] key)
    {
        ulong address = map.Lookup(key);
        return address == 0 ? null : new ReadOnlySpan<byte>((void*)address, (int)ValueSize).ToArray();
    }

    private static byte[]? DeviceValue(dynamic map, byte[] key)
    {
        ulong address = map.Lookup(key, 0);
        if (address == 0) return null;
        Assert.InRange(address, (ulong)map.ValueBase, (ulong)map.ValueBase + (ulong)map.ValueRegion.Length - ValueSize);
        return ((byte[])map.ValueRegion.Data)[(int)(address - (ulong)map.ValueBase)..][..(int)ValueSize];
    }

    [Theory]
    [InlineData(MapType.Hash, 0u, 8u, 4u, "a hash map's key size must be 1..512 (got 0)")]
    [InlineData(MapType.Array, 8u, 8u, 4u, "an array map's key size must be 4 (got 8)")]
    [InlineData(MapType.Array, 4u, 0u, 4u, "value size must not be 0")]
    [InlineData(MapType.Hash, 4u, 8u, 0u, "max entries must not be 0")]
    [InlineData(MapType.Array, 4u, 1024u, 1024u, "needs 1048576 bytes, more than the 65536 bytes a map may use")]
    [InlineData(MapType.LruHash, 4u, 8u, 4u, "unsupported map type 9")]
    public void Bad_definitions_are_refused_before_allocating(MapType type, uint keySize, uint valueSize, uint maxEntries, string reason)
    {
        var definition = new MapDefinition("bad", type, keySize, valueSize, maxEntries);
        var error = Assert.ThrowsAny<Exception>(() => NanoAssembly.Call("Maps.MapFactory", "Create", Nano.MapDefinition(definition), 0UL, 1UL));
        Assert.Equal("ProgramFormatException", error.GetType().Name);
        Assert.Equal($"map 'bad': {reason}", error.Message);
    }
}
