using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Helpers;

/// <summary>bpf_ringbuf_output(ringbuf, data, size, flags): copies a record into the ring buffer; 0 or a negative errno.</summary>
public sealed class RingbufOutput() : Helper(130, "ringbuf_output")
{
    // BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP: accepted and ignored, as the host consumer polls.
    private const ulong WakeupFlags = 3;

    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperArguments.Map(context, r1) is not { } map) return 0;
        if (!context.TryGuestSpan(r2, r3, Access.Read, out var data)) return 0;
        if (map is not RingBuffer ring || (r4 & ~WakeupFlags) != 0) return unchecked((ulong)Errno.EINVAL);
        return (ulong)ring.Output(data);
    }
}
