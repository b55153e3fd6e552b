using System.CommandLine;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;

namespace Fwctl.Commands;

/// <summary>Options and error mapping shared by the board and package commands.</summary>
public static class BoardOptions
{
    public static Option<string?> BoardsDirectory() => new("--boards-dir")
    {
        HelpName = "DIR",
        Description = $"Boards directory (default: ${BoardCatalog.EnvironmentVariable}, else boards/ above the current directory or fwctl)",
    };

    public static Option<string?> Board() => new("--board") { HelpName = "B", Description = "Board name (fwctl boards lists them)" };

    /// <summary>Malformed board definitions, keys and packages are input errors: one line, exit 2.</summary>
    public static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is BoardFormatException or PackageFormatException)
        {
            throw new ProgramFormatException(e.Message);
        }
    }
}
