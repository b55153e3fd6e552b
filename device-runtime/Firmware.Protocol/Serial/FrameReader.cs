namespace Firmware.Protocol.Serial;

/// <summary>
/// Splits a byte stream into frames at 0x00 delimiters. Noise, a frame cut short by a disconnect or a
/// run without delimiters costs at most the frames it touches: the next delimiter starts afresh.
/// </summary>
public sealed class FrameReader
{
    private readonly byte[] _block = new byte[FrameCodec.MaxEncoded];
    private int _length;
    private bool _overlong;

    /// <summary>Feeds received bytes; calls <paramref name="frame"/> for each good frame and <paramref name="dropped"/> for each bad one.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, Action<Frame> frame, Action<FrameError> dropped)
    {
        foreach (byte b in bytes)
        {
            if (b != 0)
            {
                if (_length < _block.Length)
                    _block[_length++] = b;
                else
                    _overlong = true;
                continue;
            }
            if (_overlong)
                dropped(FrameError.Overlong);
            else if (_length > 0)
            {
                var error = FrameCodec.TryDecode(_block.AsSpan(0, _length), out var decoded);
                if (error == FrameError.None)
                    frame(decoded);
                else
                    dropped(error);
            }
            _length = 0;
            _overlong = false;
        }
    }
}
