using System.Diagnostics;

namespace Firmware.Device.Containers;

/// <summary>
/// At most <c>perSecond</c> events in each wall-clock second (0: no limit). Lock-free and allocation-free:
/// the current second and the count in it share one 64-bit word, swapped with compare-and-exchange, so
/// firmware threads calling a hooked function at once never exceed the limit between them.
/// </summary>
internal sealed class RateLimiter(uint perSecond)
{
    private const int CountBits = 32;
    private long _state;

    public bool TryTake()
    {
        if (perSecond == 0) return true;
        long second = Stopwatch.GetTimestamp() / Stopwatch.Frequency;
        while (true)
        {
            long state = Volatile.Read(ref _state);
            long next = state >> CountBits != second ? (second << CountBits) | 1
                : (state & uint.MaxValue) < perSecond ? state + 1
                : -1;
            if (next < 0) return false;
            if (Interlocked.CompareExchange(ref _state, next, state) == state) return true;
        }
    }
}
