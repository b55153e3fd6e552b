using Firmware.Ebpf.Jit.X64;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>A fact that runs only where the x86-64 JIT does (Linux on x86-64).</summary>
public sealed class X64FactAttribute : FactAttribute
{
    public X64FactAttribute()
    {
        if (!X64Jit.IsSupported) Skip = X64Theory.SkipReason;
    }
}

/// <summary>A theory that runs only where the x86-64 JIT does.</summary>
public sealed class X64TheoryAttribute : TheoryAttribute
{
    public X64TheoryAttribute()
    {
        if (!X64Jit.IsSupported) Skip = X64Theory.SkipReason;
    }
}

internal static class X64Theory
{
    public const string SkipReason = "the x64 JIT needs Linux on x86-64";
}
