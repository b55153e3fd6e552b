namespace Firmware.Device.Store;

/// <summary>Where a stored package stands on its hook (or, for a container, its slot <c>container/NAME</c>).</summary>
public enum PatchState
{
    /// <summary>Attached: runs on every call of its hook.</summary>
    Active,
    /// <summary>Replaced by a newer package; a rollback can make it active again.</summary>
    Superseded,
    /// <summary>Removed by a command; never re-applied.</summary>
    Removed,
    /// <summary>Detached by the device after too many faults (a container: after one); never re-applied.</summary>
    Unhealthy,
    /// <summary>A container stopped by a command: loaded again after a restart, but not started.</summary>
    Stopped,
}

/// <summary>One installed package as the store records it; <see cref="Hook"/> is the slot (a hook, or <c>container/NAME</c>); <see cref="File"/> is relative to the state directory.</summary>
public sealed record StoredPatch(string Hook, ulong Sequence, string File, PatchState State);
