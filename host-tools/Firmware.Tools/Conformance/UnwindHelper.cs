using Firmware.Ebpf.Helpers;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;

namespace Firmware.Tools.Conformance;

/// <summary>
/// The bpf_conformance runner's helper 5: returns its argument, and a zero return stops the
/// program with r0 = 0 (uBPF's "unwind" helper).
/// </summary>
public sealed class UnwindHelper() : Helper(5, "unwind")
{
    public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r1 == 0) context.Unwind = true;
        return r1;
    }
}
