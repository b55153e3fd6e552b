using Firmware.Ebpf.Maps;
using static Firmware.Ebpf.Tests.Maps.MapTestData;

namespace Firmware.Ebpf.Tests.Maps;

public class RingBufferTests
{
    private static List<byte[]> DrainAll(RingBuffer ring)
    {
        var records = new List<byte[]>();
        ring.Drain(record => records.Add(record.ToArray()));
        return records;
    }

    [Fact]
    public void Records_come_out_in_order_with_their_lengths()
    {
        using var ring = new RingBuffer(Ring(64));
        Assert.Equal(0, ring.Output([1, 2, 3]));
        Assert.Equal(0, ring.Output([]));
        Assert.Equal(0, ring.Output([4, 5, 6, 7, 8, 9, 10, 11, 12]));
        Assert.Equal(8 + 8 + 8 + 0 + 8 + 16UL, ring.PendingBytes);
        var records = DrainAll(ring);
        Assert.Equal([[1, 2, 3], [], [4, 5, 6, 7, 8, 9, 10, 11, 12]], records);
        Assert.Equal(0UL, ring.PendingBytes);
        Assert.Empty(DrainAll(ring));
    }

    [Fact]
    public void A_full_buffer_refuses_until_drained()
    {
        using var ring = new RingBuffer(Ring(32));
        Assert.Equal(0, ring.Output(new byte[8]));   // 16 bytes
        Assert.Equal(0, ring.Output(new byte[1]));   // 16 bytes: now full
        Assert.Equal(Errno.ENOSPC, ring.Output([]));
        Assert.True(ring.TryRead(out var first));
        Assert.Equal(8, first.Length);
        Assert.Equal(0, ring.Output([7]));
        Assert.Equal(Errno.ENOSPC, ring.Output([7]));
    }

    [Fact]
    public void A_record_larger_than_the_buffer_is_refused()
    {
        using var ring = new RingBuffer(Ring(16));
        Assert.Equal(Errno.ENOSPC, ring.Output(new byte[9]));
        Assert.Equal(0, ring.Output(new byte[8]));
    }

    [Fact]
    public void Records_wrap_around_the_end_intact()
    {
        using var ring = new RingBuffer(Ring(64));
        var random = new Random(7);
        var expected = new Queue<byte[]>();
        for (int round = 0; round < 500; round++)
        {
            var data = new byte[random.Next(0, 40)];
            random.NextBytes(data);
            if (ring.Output(data) == 0) expected.Enqueue(data);
            else Assert.True(8 + (ulong)((data.Length + 7) & ~7) > 64 - ring.PendingBytes);

            if (random.Next(3) == 0)
                foreach (var record in DrainAll(ring)) Assert.Equal(expected.Dequeue(), record);
            else if (random.Next(2) == 0 && ring.TryRead(out var one))
                Assert.Equal(expected.Dequeue(), one);
        }
        foreach (var record in DrainAll(ring)) Assert.Equal(expected.Dequeue(), record);
        Assert.Empty(expected);
    }

    [Fact]
    public void TryRead_on_an_empty_buffer_returns_false()
    {
        using var ring = new RingBuffer(Ring(8));
        Assert.False(ring.TryRead(out var record));
        Assert.Empty(record);
        Assert.Equal(0, ring.Output([]));
        Assert.True(ring.TryRead(out record));
        Assert.Empty(record);
    }

    [Fact]
    public void Programs_cannot_address_ring_memory()
    {
        using var ring = new RingBuffer(Ring(64));
        Assert.Equal(0UL, ring.ValueRegion.Length);
        Assert.Equal(0UL, ring.Lookup([]));
        Assert.Equal(Errno.EINVAL, ring.Update([], [], 0));
        Assert.Equal(Errno.EINVAL, ring.Delete([]));
    }

    [Fact]
    public async Task Concurrent_producers_lose_and_tear_nothing()
    {
        using var ring = new RingBuffer(Ring(1 << 12));
        const int producers = 4, perProducer = 2000;
        var seen = new int[producers];
        var consumed = 0;
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                byte[] record = [(byte)p, .. BitConverter.GetBytes(i)];
                while (ring.Output(record) != 0) Thread.Yield();
            }
        })).ToArray();
        while (consumed < producers * perProducer)
        {
            consumed += ring.Drain(record =>
            {
                int producer = record[0], sequence = BitConverter.ToInt32(record[1..]);
                Assert.Equal(seen[producer]++, sequence);
            });
        }
        await Task.WhenAll(tasks);
        Assert.All(seen, count => Assert.Equal(perProducer, count));
    }

    [Fact]
    public void A_disposed_buffer_refuses_output_and_has_nothing_to_read()
    {
        var ring = new RingBuffer(Ring(64));
        ring.Output([1]);
        ring.Dispose();
        Assert.Equal(Errno.ENOSPC, ring.Output([1]));
        Assert.False(ring.TryRead(out _));
    }
}
