using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Protocol.Containers;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;

namespace Firmware.Device.Containers;

/// <summary>
/// <c>long fw_publish(const void *data, u32 size)</c>: sends a copy of the container's bytes as one
/// telemetry message. 0 when sent; -E2BIG over <see cref="TriggerContexts.MaxMessageBytes"/>; -EAGAIN
/// over the container's publishes per second; -ENOSPC when the outbox is full. The pointer is checked
/// against the run's regions like every helper's. Allocates only for a message that is sent.
/// </summary>
internal sealed class PublishHelper(string container, Telemetry telemetry, uint perSecond)
    : Helper(TriggerContexts.PublishHelperId, "fw_publish")
{
    private readonly RateLimiter _rate = new(perSecond);
    public long Published;
    public long Dropped;

    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r2 > TriggerContexts.MaxMessageBytes) return unchecked((ulong)Errno.E2BIG);
        if (!context.TryGuestSpan(r1, r2, Access.Read, out var data)) return 0;
        if (!_rate.TryTake())
        {
            Interlocked.Increment(ref Dropped);
            return unchecked((ulong)Errno.EAGAIN);
        }
        if (!telemetry.TryWrite(new TelemetryMessage(container, data.ToArray())))
        {
            Interlocked.Increment(ref Dropped);
            return unchecked((ulong)Errno.ENOSPC);
        }
        Interlocked.Increment(ref Published);
        return 0;
    }
}
