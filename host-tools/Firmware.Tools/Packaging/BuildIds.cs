using Firmware.Ebpf.Programs;
using Firmware.Protocol.Packages;

namespace Firmware.Tools.Packaging;

/// <summary>Firmware build ids on the command line: hex, as `readelf -n` prints a GNU build-id or sha256sum prints a digest.</summary>
public static class BuildIds
{
    public static byte[] Parse(string hex)
    {
        try
        {
            byte[] bytes = Convert.FromHexString(hex);
            return bytes.Length is > 0 and <= PackageLimits.MaxBuildIdBytes
                ? bytes
                : throw new ProgramFormatException($"--build-id: 1 to {PackageLimits.MaxBuildIdBytes} bytes expected");
        }
        catch (FormatException)
        {
            throw new ProgramFormatException($"--build-id: '{hex}' is not hex");
        }
    }
}
