using System.Runtime.InteropServices;
using Firmware.Device.Hooks.Arm64;
using Firmware.Device.Hooks.X64;

namespace Firmware.Device.Hooks;

/// <summary>
/// What an inline hook needs from the processor it runs on. <see cref="HookTable"/> is one code path for
/// every architecture: it asks this for the entry's relocation and the stub, places the stub within
/// <see cref="Reach"/> of the entry, and has this write the branch to it.
/// </summary>
internal abstract class HookArchitecture
{
    /// <summary>This process's architecture, or null where inline hooks are not implemented.</summary>
    public static HookArchitecture? Current { get; } = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => new X64HookArchitecture(),
        Architecture.Arm64 => new Arm64HookArchitecture(),
        _ => null,
    };

    /// <summary>How far the branch written at the entry reaches: the stub must lie this close to it.</summary>
    public abstract long Reach { get; }

    /// <summary>
    /// Checks that the entry can be patched while other threads call the function and relocates what the
    /// branch will overwrite (a <see cref="HookException"/> with the reason otherwise); returns the stub's
    /// encoder for the address the stub will have.
    /// </summary>
    public abstract Func<ulong, byte[]> PrepareStub(nint entry, ulong functionSize, string name, HookStubTarget target);

    /// <summary>Writes the branch from <paramref name="entry"/> to <paramref name="stub"/> (<see cref="EntryPatch"/>).</summary>
    public abstract void WriteBranch(nint entry, nint stub, string name);
}

/// <summary>What a stub reads and calls: the slot's armed word, its index and the managed dispatcher.</summary>
public readonly record struct HookStubTarget(nint Armed, int Slot, nint Dispatcher);
