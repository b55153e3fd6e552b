using System.CommandLine;

namespace Fwctl.Commands;

public static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Runs the end-to-end demo on embedded defaults");
        command.SetAction(_ =>
        {
            Console.WriteLine("fwctl demo");
            return Cli.Ok;
        });
        return command;
    }
}
