using Firmware.Ebpf.Jit.X64;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>A fact that runs only where the x86-64 JIT does (Linux on x86-64).</summary>
public sealed class X64FactAttribute : FactAttribute
{
    public X64FactAttribute()
    {
        if (!X64Jit.IsSupported) Skip = "the x64 JIT needs Linux on x86-64";
    }
}
