using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Helpers;

/// <summary>
/// A function a program may call by number. Helpers get r1..r5 and the run's <see cref="ExecutionContext"/>;
/// they must check every guest pointer against <see cref="ExecutionContext.Regions"/> (use
/// <see cref="ExecutionContext.TryGuestSpan"/>) and report refusals with <see cref="ExecutionContext.Fail"/>,
/// never by throwing. They run on the hot path: no allocation per call.
/// </summary>
public abstract class Helper(int id, string name)
{
    public int Id { get; } = id;
    public string Name { get; } = name;

    public abstract ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
}
