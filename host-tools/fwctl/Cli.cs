using System.CommandLine;
using Firmware.Ebpf.Programs;
using Fwctl.Commands;
using Spectre.Console;

namespace Fwctl;

/// <summary>
/// Wires the commands together and applies contracts.md's exit codes: 0 success, 1 the check said no,
/// 2 usage or input errors (one line on stderr).
/// </summary>
public static class Cli
{
    public const int Ok = 0;
    public const int No = 1;
    public const int UsageError = 2;

    public static int Run(string[] args)
    {
        var root = new RootCommand("fwctl: build, verify, package and ship eBPF hotpatches and sandboxed functions to devices");
        foreach (var command in AllCommands())
            root.Subcommands.Add(command);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"fwctl: {OneLine(error.Message)}");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UsageException or ProgramFormatException)
        {
            Console.Error.WriteLine($"fwctl: {e.Message}");
            return UsageError;
        }
    }

    /// <summary>
    /// Writes a table to the current standard output. When it goes to a file or a pipe the table keeps its
    /// rows on one line each (160 columns) instead of wrapping every cell to 80 for a terminal that is not there.
    /// </summary>
    public static void WriteTable(Table table)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected) console.Profile.Width = RedirectedWidth;
        console.Write(table);
    }

    private const int RedirectedWidth = 160;

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IEnumerable<Command> AllCommands() =>
    [
        AsmCommand.Create(),
        DisasmCommand.Create(),
        RunCommand.Create(),
        VerifyCommand.Create(),
        ConformanceCommand.Create(),
        PluginCommand.Create(),
        DemoCommand.Create(),
        BoardsCommand.Create(),
        BoardTestCommand.Create(),
        BuildCommand.Create(),
        KeygenCommand.Create(),
        PackCommand.Create(),
        InspectCommand.Create(),
        PushCommand.Create(),
        BrokerCommand.Create(),
        FleetStatusCommand.Create(),
        ContainerCommand.Create(),
    ];
}

/// <summary>Bad input from the user: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
