namespace Firmware.Device.Store;

/// <summary>Where a stored package stands on its hook.</summary>
public enum PatchState
{
    /// <summary>Attached: runs on every call of its hook.</summary>
    Active,
    /// <summary>Replaced by a newer package; a rollback can make it active again.</summary>
    Superseded,
    /// <summary>Removed by a command; never re-applied.</summary>
    Removed,
    /// <summary>Detached by the device after too many faults; never re-applied.</summary>
    Unhealthy,
}

/// <summary>One installed package as the store records it; <see cref="File"/> is relative to the state directory.</summary>
public sealed record StoredPatch(string Hook, ulong Sequence, string File, PatchState State);
