using System.Runtime.InteropServices;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// How compiled code calls a managed helper: an unmanaged entry point with the helper's arguments in
/// the C argument registers and the run state last, the same shape as a compiled program's own entry.
/// The state names the engine (a GCHandle) and the helper (<see cref="RunState.HelperIndex"/>).
/// </summary>
internal static unsafe class HelperBridge
{
    public static nint Entry { get; } = (nint)(delegate* unmanaged<ulong, ulong, ulong, ulong, ulong, RunState*, ulong>)&Call;

    [UnmanagedCallersOnly]
    private static ulong Call(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, RunState* state) =>
        ((JitEngine)GCHandle.FromIntPtr(state->Engine).Target!).InvokeHelper(state, r1, r2, r3, r4, r5);
}
