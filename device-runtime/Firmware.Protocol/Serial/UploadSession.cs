using System.Security.Cryptography;

namespace Firmware.Protocol.Serial;

/// <summary>The device's side of one upload in progress: the buffer and how much of it is filled, in order.</summary>
internal sealed class UploadSession(UploadBegin begin)
{
    private readonly byte[] _bytes = new byte[begin.TotalSize];

    public UploadBegin Begin { get; } = begin;

    public uint NextOffset { get; private set; }

    public bool Complete => NextOffset == _bytes.Length;

    public bool SameUpload(UploadBegin other) => other.TotalSize == Begin.TotalSize && other.Sha256.AsSpan().SequenceEqual(Begin.Sha256);

    /// <summary>
    /// Stores the part of <paramref name="data"/> at or after the next expected offset. Returns false when
    /// the data carried nothing new: a duplicate, or a frame after a gap (its predecessor was lost; the
    /// Ack tells the host where to go back to).
    /// </summary>
    public bool Store(UploadData data)
    {
        ulong end = (ulong)data.Offset + (ulong)data.Bytes.Length;
        if (data.Offset > NextOffset || end <= NextOffset)
            return false;
        int skip = (int)(NextOffset - data.Offset);
        data.Bytes.Span[skip..].CopyTo(_bytes.AsSpan((int)NextOffset));
        NextOffset = (uint)end;
        return true;
    }

    /// <summary>Whether data would run past the announced size.</summary>
    public bool Overruns(UploadData data) => (ulong)data.Offset + (ulong)data.Bytes.Length > (ulong)_bytes.Length;

    public bool DigestMatches() => SHA256.HashData(_bytes).AsSpan().SequenceEqual(Begin.Sha256);

    public byte[] Package => _bytes;
}
