using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Engine;

public static class EngineExtensions
{
    /// <summary>
    /// The calling convention of `fwctl run` and the conformance runner: r1 = the buffer (writable),
    /// r2 = its length; an empty buffer gives r1 = 0 and no region.
    /// </summary>
    public static unsafe RunResult RunOnBuffer(this IEngine engine, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            ulong address = buffer.IsEmpty ? 0 : (ulong)data;
            Span<Region> regions = [Region.FromLength(address, (ulong)buffer.Length, Access.ReadWrite, RegionKind.Buffer)];
            engine.Instance.BeginRun(regions);
            try
            {
                return engine.Execute(address, (ulong)buffer.Length, 0, 0, 0);
            }
            finally
            {
                engine.Instance.EndRun();
            }
        }
    }
}
