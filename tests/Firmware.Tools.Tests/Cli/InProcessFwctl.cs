namespace Firmware.Tools.Tests.Cli;

/// <summary>Runs fwctl in-process with the console captured; tests using it join the "Console" collection.</summary>
internal static class InProcessFwctl
{
    public static string BoardsDirectory => Path.Combine(RepoPaths.Root, "boards");

    public static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (global::Fwctl.Cli.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
