namespace Firmware.Ebpf.Maps;

/// <summary>
/// The negative errno values maps and helpers return, numbered as Linux numbers them: programs written
/// for the kernel compare helper results against these exact values.
/// </summary>
public static class Errno
{
    public const long EPERM = -1;
    public const long ENOENT = -2;
    public const long E2BIG = -7;
    public const long EAGAIN = -11;
    public const long EFAULT = -14;
    public const long EEXIST = -17;
    public const long EINVAL = -22;
    public const long ENOSPC = -28;
}

/// <summary>The flags of map_update_elem (BPF_ANY, BPF_NOEXIST, BPF_EXIST).</summary>
public static class MapUpdateFlags
{
    /// <summary>BPF_ANY: create the element or replace it.</summary>
    public const ulong Any = 0;
    /// <summary>BPF_NOEXIST: create only; -EEXIST when the key is present.</summary>
    public const ulong NoExist = 1;
    /// <summary>BPF_EXIST: replace only; -ENOENT when the key is absent.</summary>
    public const ulong Exist = 2;
}
