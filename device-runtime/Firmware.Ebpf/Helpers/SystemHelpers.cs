using System.Diagnostics;

namespace Firmware.Ebpf.Helpers;

/// <summary>bpf_ktime_get_ns(): monotonic time in nanoseconds (the origin is arbitrary, as in the kernel).</summary>
public sealed class KtimeGetNs() : Helper(5, "ktime_get_ns")
{
    private static readonly ulong Frequency = (ulong)Stopwatch.Frequency;

    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        ulong ticks = (ulong)Stopwatch.GetTimestamp();
        // Split so that ticks * 1e9 cannot overflow; exact when the frequency is 1 GHz (Linux).
        return ticks / Frequency * 1_000_000_000 + ticks % Frequency * 1_000_000_000 / Frequency;
    }
}

/// <summary>
/// bpf_get_prandom_u32(): a xorshift64* stream, not cryptographic (nor is the kernel's). The state lives in
/// the helper, so each helper table has its own stream; a fixed seed makes a run reproducible in tests.
/// Calls racing on one instance may return the same number, which is harmless for a PRNG of this kind.
/// </summary>
public sealed class GetPrandomU32(ulong seed) : Helper(7, "get_prandom_u32")
{
    private ulong _state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed; // xorshift never leaves 0

    public GetPrandomU32() : this((ulong)Random.Shared.NextInt64()) { }

    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        ulong x = _state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _state = x;
        return (x * 0x2545_F491_4F6C_DD1D) >> 32;
    }
}

/// <summary>bpf_get_smp_processor_id(): always 0; runs are not tied to a CPU here.</summary>
public sealed class GetSmpProcessorId() : Helper(8, "get_smp_processor_id")
{
    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) => 0;
}
