using Firmware.Ebpf.Programs;
using Firmware.Protocol.Packages;

namespace Fwctl.Commands;

/// <summary>Reads a package file for the commands that take one; a missing, unreadable or oversized file is an input error.</summary>
public static class PackageFile
{
    public static byte[] Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > PackageLimits.MaxPackageBytes)
                throw new ProgramFormatException($"{path}: {info.Length} bytes; packages are at most {PackageLimits.MaxPackageBytes}");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProgramFormatException($"{path}: cannot read: {e.Message}");
        }
    }
}
