using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_RINGBUF: programs append records (ringbuf_output), the host drains them in order.
/// MaxEntries is the size in bytes. Each record is an 8-byte header holding its length, then the data
/// padded to 8 bytes; records wrap around the end of the buffer and are copied out in two parts when
/// they do. Producers serialise on a lock; the consumer runs beside them without it, because producers
/// only write past the published producer position and the consumer only reads before it.
/// Programs never read ring memory directly, so <see cref="ValueRegion"/> is empty.
/// </summary>
public sealed unsafe class RingBuffer : Map
{
    private const int HeaderSize = 8;

    private readonly Lock _produce = new();
    private readonly Lock _consume = new();
    private readonly ulong _mask;
    private byte* _data;
    private ulong _capacity; // 0 once disposed, so every output is refused
    private ulong _producer; // byte positions that only grow; position & mask is the offset
    private ulong _consumer;
    private byte[]? _scratch; // for handing out a record that wraps as one span

    public RingBuffer(MapDefinition definition) : base(definition)
    {
        MapValidation.Check(definition, MapType.RingBuffer);
        _capacity = definition.MaxEntries;
        _mask = _capacity - 1;
        _data = NativeBlock.Allocate(_capacity);
    }

    /// <summary>Bytes written and not yet consumed, headers and padding included.</summary>
    public ulong PendingBytes => Volatile.Read(ref _producer) - Volatile.Read(ref _consumer);

    public override Region ValueRegion => default;
    public override ulong Lookup(ReadOnlySpan<byte> key) => 0;
    public override long Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags) => Errno.EINVAL;
    public override long Delete(ReadOnlySpan<byte> key) => Errno.EINVAL;

    /// <summary>Appends one record: 0, or -ENOSPC when it does not fit in the free space.</summary>
    public long Output(ReadOnlySpan<byte> data)
    {
        ulong size = HeaderSize + NativeBlock.Stride((uint)data.Length);
        lock (_produce)
        {
            ulong position = _producer;
            if (size > _capacity - (position - Volatile.Read(ref _consumer))) return Errno.ENOSPC;
            // Headers are 8-aligned and the size is a multiple of 8, so a header never wraps.
            *(ulong*)(_data + (position & _mask)) = (uint)data.Length;
            CopyIn(position + HeaderSize, data);
            Volatile.Write(ref _producer, position + size);
        }
        return 0;
    }

    /// <summary>Removes the oldest record into a new array; false when there is none.</summary>
    public bool TryRead(out byte[] record)
    {
        lock (_consume)
        {
            ulong position = _consumer;
            if (position == Volatile.Read(ref _producer))
            {
                record = [];
                return false;
            }
            record = new byte[RecordLength(position)];
            CopyOut(position + HeaderSize, record);
            Consume(position, record.Length);
            return true;
        }
    }

    /// <summary>
    /// Hands every record present now to <paramref name="onRecord"/>, oldest first, and returns how many.
    /// The span is valid only during the call. A record is consumed once its callback returns.
    /// </summary>
    public int Drain(Action<ReadOnlySpan<byte>> onRecord)
    {
        lock (_consume)
        {
            int count = 0;
            ulong end = Volatile.Read(ref _producer);
            for (ulong position = _consumer; position != end; position = _consumer, count++)
            {
                int length = RecordLength(position);
                onRecord(Contiguous(position + HeaderSize, length));
                Consume(position, length);
            }
            return count;
        }
    }

    public override void Dispose()
    {
        lock (_produce)
        lock (_consume)
        {
            _capacity = 0;
            _consumer = _producer;
            NativeBlock.Free(ref _data);
        }
    }

    private int RecordLength(ulong position) => (int)*(uint*)(_data + (position & _mask));

    private void Consume(ulong position, int length) =>
        Volatile.Write(ref _consumer, position + HeaderSize + NativeBlock.Stride((uint)length));

    private ReadOnlySpan<byte> Contiguous(ulong position, int length)
    {
        ulong offset = position & _mask;
        if (offset + (ulong)length <= _capacity) return new ReadOnlySpan<byte>(_data + offset, length);
        var scratch = _scratch ??= new byte[_capacity];
        CopyOut(position, scratch.AsSpan(0, length));
        return scratch.AsSpan(0, length);
    }

    private void CopyIn(ulong position, ReadOnlySpan<byte> data)
    {
        int offset = (int)(position & _mask);
        int first = Math.Min(data.Length, (int)_capacity - offset);
        data[..first].CopyTo(new Span<byte>(_data + offset, first));
        data[first..].CopyTo(new Span<byte>(_data, data.Length - first));
    }

    private void CopyOut(ulong position, Span<byte> destination)
    {
        int offset = (int)(position & _mask);
        int first = Math.Min(destination.Length, (int)_capacity - offset);
        new ReadOnlySpan<byte>(_data + offset, first).CopyTo(destination);
        new ReadOnlySpan<byte>(_data, destination.Length - first).CopyTo(destination[first..]);
    }
}
