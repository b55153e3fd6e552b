using System;

namespace Firmware.Nano.Helpers;

/// <summary>
/// bpf_ktime_get_ns(): nanoseconds from DateTime.UtcNow, the clock mscorlib has on nanoFramework (100 ns
/// ticks). Unlike the kernel's it follows the board's wall clock, so it can step when the clock is set.
/// </summary>
public sealed class KtimeGetNs : Helper
{
    public KtimeGetNs() : base(5, "ktime_get_ns") { }

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        (ulong)DateTime.UtcNow.Ticks * 100;
}

/// <summary>bpf_get_prandom_u32(): the same xorshift64* stream as the .NET helper for the same seed (not cryptographic).</summary>
public sealed class GetPrandomU32 : Helper
{
    private ulong _state;

    /// <summary>Seed 0 picks a seed from the clock.</summary>
    public GetPrandomU32(ulong seed) : base(7, "get_prandom_u32")
    {
        if (seed == 0) seed = (ulong)DateTime.UtcNow.Ticks;
        _state = seed == 0 ? 0x9E3779B97F4A7C15 : seed; // xorshift never leaves 0
    }

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        ulong x = _state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _state = x;
        return (x * 0x2545F4914F6CDD1D) >> 32;
    }
}
