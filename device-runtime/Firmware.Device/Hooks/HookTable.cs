using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Jit;

namespace Firmware.Device.Hooks;

/// <summary>
/// Every function hooked in this process, and the one managed entry their stubs call. A hook, once
/// written into a function's entry, stays for the life of the process (rewriting code back under
/// running threads gains nothing over a detached slot, which costs one load and branch).
/// </summary>
public static unsafe class HookTable
{
    /// <summary>Enough for a thousand simulated devices with a few hooks each; slots are never reused.</summary>
    public const int Capacity = 1 << 14;

    private static readonly HookSlot?[] Slots = new HookSlot?[Capacity];
    private static readonly Dictionary<nint, HookSlot> ByEntry = [];
    private static readonly List<ExecutableMemory> Stubs = [];
    private static readonly Lock InstallLock = new();
    private static long s_escapedErrors;

    /// <summary>Exceptions that escaped a handler (a bug): the call continued into the original.</summary>
    public static long EscapedErrors => Interlocked.Read(ref s_escapedErrors);

    /// <summary>
    /// Hooks the function at <paramref name="entry"/> (idempotent: the same entry gets the same slot).
    /// <paramref name="size"/> is the function's size from the symbol table (0 if unknown); the stub goes in
    /// <paramref name="arena"/> (the library's <see cref="Hosting.FirmwareLibrary.HookArena"/>) when it has room.
    /// </summary>
    public static HookSlot Hook(nint entry, ulong size, string name, CodeArena? arena = null)
    {
        var architecture = HookArchitecture.Current
            ?? throw new HookException(name, $"inline hooks need Linux on x86-64 or AArch64 (this is {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture})");
        lock (InstallLock)
        {
            if (ByEntry.TryGetValue(entry, out var existing)) return existing;
            int index = ByEntry.Count;
            if (index == Capacity) throw new HookException(name, $"all {Capacity} hook slots are in use");
            var slot = new HookSlot(index, name);
            var target = new HookStubTarget(slot.Armed, index, (nint)(delegate* unmanaged<int, ulong, ulong, ulong, ulong, ulong*, int>)&Dispatch);
            var encodeStub = architecture.PrepareStub(entry, size, name, target);
            ExecutableMemory stub;
            try
            {
                stub = ExecutableMemory.CreateNear(entry, 4096, architecture.Reach, encodeStub, arena);
            }
            catch (InvalidOperationException e)
            {
                throw new HookException(name, e.Message);
            }
            Slots[index] = slot;
            Stubs.Add(stub);
            architecture.WriteBranch(entry, stub.Address, name);
            ByEntry.Add(entry, slot);
            return slot;
        }
    }

    /// <summary>The stubs' call into managed code: 1 when the handler decided the return value (in *result).</summary>
    [UnmanagedCallersOnly]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Dispatch(int index, ulong a0, ulong a1, ulong a2, ulong a3, ulong* result)
    {
        var handler = Slots[index]?.Handler;
        if (handler is null) return 0;
        try
        {
            if (!handler.Handle(a0, a1, a2, a3, out ulong value)) return 0;
            *result = value;
            return 1;
        }
        catch (Exception)
        {
            // Nothing may unwind into the firmware's native frames.
            Interlocked.Increment(ref s_escapedErrors);
            return 0;
        }
    }
}
