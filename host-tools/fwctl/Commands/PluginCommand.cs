using System.CommandLine;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Programs;
using Firmware.Tools.Conformance;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl plugin [MEMHEX]`: the bpf_conformance runner's plugin protocol. The program arrives on stdin
/// as hex bytes, the memory as the first argument; r0 goes to stdout in hex. Any failure exits non-zero
/// with the reason on stderr, as the runner expects.
/// </summary>
public static class PluginCommand
{
    public static Command Create()
    {
        var memory = new Argument<string?>("MEMHEX") { Description = "Input memory as hex bytes", Arity = ArgumentArity.ZeroOrOne };
        var engine = CommonOptions.Engine();
        var command = new Command("plugin", "Speaks the bpf_conformance plugin protocol (program hex on stdin)") { memory, engine };
        command.SetAction(parse =>
        {
            byte[] code = ParseHex(Console.In.ReadToEnd(), "program");
            byte[] input = ParseHex(parse.GetValue(memory) ?? "", "memory");
            var program = EbpfProgram.FromBytecode("plugin", code);
            using var instance = new ProgramInstance(program, ConformanceRunner.Helpers(), []);
            using var runner = Engines.Create(parse.GetValue(engine)!, instance);
            var result = runner.RunOnBuffer(input);
            if (!result.Ok)
            {
                Console.Error.WriteLine(result.Fault);
                return Cli.No;
            }
            Console.WriteLine($"{result.Value:x}");
            return Cli.Ok;
        });
        return command;
    }

    private static byte[] ParseHex(string text, string what)
    {
        try
        {
            return ConformanceCase.ParseHexBytes(text);
        }
        catch (FormatException)
        {
            throw new UsageException($"{what} is not hex bytes");
        }
        catch (OverflowException)
        {
            throw new UsageException($"{what} is not hex bytes");
        }
    }
}
