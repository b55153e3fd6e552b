namespace Firmware.Nano.Maps;

/// <summary>Negative errno values as Linux numbers them; same values as Firmware.Ebpf.Maps.Errno (a test compares them).</summary>
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
    public const ulong Any = 0;
    public const ulong NoExist = 1;
    public const ulong Exist = 2;
}
