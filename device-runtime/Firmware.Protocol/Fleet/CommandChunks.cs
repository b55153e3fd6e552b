using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Firmware.Protocol.Fleet;

/// <summary>
/// Signed commands larger than a broker's message limit (AWS IoT: 128 KB) travel in chunks, each one
/// MQTT message on the device's jobs topic:
/// <code>
/// "FWC1" | transfer id (16) | index u16 LE | count u16 LE | SHA-256 of the whole (32) | bytes
/// </code>
/// The device reassembles by transfer id and hands over the whole only when every chunk arrived and
/// the digest matches. Chunks are not authenticated on their own: the reassembled command's signature is.
/// </summary>
public static class CommandChunks
{
    /// <summary>Chunk payload size: well under every broker's limit.</summary>
    public const int DefaultChunkBytes = 64 * 1024;
    public const int HeaderBytes = 4 + 16 + 2 + 2 + 32;
    private static ReadOnlySpan<byte> Magic => "FWC1"u8;

    public static IReadOnlyList<byte[]> Split(byte[] whole, int chunkBytes = DefaultChunkBytes)
    {
        byte[] transfer = RandomNumberGenerator.GetBytes(16), digest = SHA256.HashData(whole);
        int count = Math.Max(1, (whole.Length + chunkBytes - 1) / chunkBytes);
        if (count > ushort.MaxValue) throw new ArgumentException($"{whole.Length} bytes need more than {ushort.MaxValue} chunks", nameof(whole));
        var chunks = new List<byte[]>(count);
        for (int index = 0; index < count; index++)
        {
            var data = whole.AsSpan(Math.Min(index * chunkBytes, whole.Length));
            data = data[..Math.Min(chunkBytes, data.Length)];
            var chunk = new byte[HeaderBytes + data.Length];
            Magic.CopyTo(chunk);
            transfer.CopyTo(chunk, 4);
            BinaryPrimitives.WriteUInt16LittleEndian(chunk.AsSpan(20), (ushort)index);
            BinaryPrimitives.WriteUInt16LittleEndian(chunk.AsSpan(22), (ushort)count);
            digest.CopyTo(chunk, 24);
            data.CopyTo(chunk.AsSpan(HeaderBytes));
            chunks.Add(chunk);
        }
        return chunks;
    }

    /// <summary>One device's reassembly of chunked commands; bounded so a flood of partial transfers cannot exhaust memory.</summary>
    public sealed class Assembler(int maxBytes = 4 * 1024 * 1024, int maxTransfers = 8)
    {
        private readonly Dictionary<string, Transfer> _transfers = [];
        private readonly Queue<string> _order = new();

        /// <summary>Adds a chunk; returns the whole command once complete, else null. Bad chunks give a reason.</summary>
        public byte[]? Add(ReadOnlySpan<byte> chunk, out string? error)
        {
            error = null;
            if (chunk.Length < HeaderBytes || !chunk[..4].SequenceEqual(Magic))
            {
                error = "not a command chunk";
                return null;
            }
            string id = Convert.ToHexString(chunk.Slice(4, 16));
            int index = BinaryPrimitives.ReadUInt16LittleEndian(chunk[20..]), count = BinaryPrimitives.ReadUInt16LittleEndian(chunk[22..]);
            if (count == 0 || index >= count)
            {
                error = $"chunk {index} of {count}";
                return null;
            }
            if (!_transfers.TryGetValue(id, out var transfer))
            {
                if (_order.Count == maxTransfers) _transfers.Remove(_order.Dequeue());
                transfer = new Transfer(count, chunk.Slice(24, 32).ToArray());
                _transfers[id] = transfer;
                _order.Enqueue(id);
            }
            if (transfer.Parts.Length != count || !transfer.Digest.AsSpan().SequenceEqual(chunk.Slice(24, 32)))
            {
                error = "chunk disagrees with its transfer's count or digest";
                return null;
            }
            if (transfer.Parts[index] is null)
            {
                transfer.Bytes += chunk.Length - HeaderBytes;
                if (transfer.Bytes > maxBytes)
                {
                    _transfers.Remove(id);
                    error = $"command larger than {maxBytes} bytes";
                    return null;
                }
                transfer.Parts[index] = chunk[HeaderBytes..].ToArray();
                transfer.Received++;
            }
            if (transfer.Received < count) return null;
            _transfers.Remove(id);
            byte[] whole = [.. transfer.Parts.SelectMany(p => p!)];
            if (SHA256.HashData(whole).AsSpan().SequenceEqual(transfer.Digest)) return whole;
            error = "reassembled command does not match its digest";
            return null;
        }

        private sealed class Transfer(int count, byte[] digest)
        {
            public byte[]?[] Parts { get; } = new byte[]?[count];
            public byte[] Digest { get; } = digest;
            public int Received { get; set; }
            public long Bytes { get; set; }
        }
    }
}
