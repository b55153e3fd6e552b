namespace Firmware.Protocol.Packages;

/// <summary>
/// Bounds the reader enforces before allocating anything, so a hostile package cannot make a small
/// device allocate or loop without limit. The writer refuses to produce what the reader would refuse.
/// </summary>
public static class PackageLimits
{
    public const int MaxPackageBytes = 1 << 20;
    public const int MaxProgramBytes = 512 * 1024;
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 4096;
    public const int MaxBuildIdBytes = 64;
    public const int MaxMaps = 64;
    public const int MaxHelpers = 256;
    public const int MaxInitialValueBytes = 64 * 1024;
    public const int MaxKeyIdBytes = 32;
    public const int MaxNativeCodeBytes = 256 * 1024;
    public const int MaxRelocations = 4096;
    public const int MaxNativeStackBytes = 64 * 1024;
}
