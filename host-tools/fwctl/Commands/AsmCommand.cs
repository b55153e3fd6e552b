using System.CommandLine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl asm [FILE]`: assembles eBPF text from FILE or stdin and prints the bytes as hex, one slot a
/// line. It only encodes: whether the result is a valid program is for `fwctl verify` to say.
/// </summary>
public static class AsmCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("FILE")
        {
            Description = "eBPF assembly, uBPF (add32 %r0, 1) or LLVM (w0 += 1) syntax; stdin when absent",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("asm", "Assembles eBPF text and prints the bytecode as hex, 8 bytes a line") { file };
        command.SetAction(parse =>
        {
            foreach (byte[] slot in Instruction.WriteAll(Assemble(parse.GetValue(file))).Chunk(Instruction.Size))
                Console.WriteLine(string.Join(' ', slot.Select(b => b.ToString("x2"))));
            return Cli.Ok;
        });
        return command;
    }

    private static Instruction[] Assemble(string? path)
    {
        if (path is null) return Assembler.Assemble(Console.In.ReadToEnd());
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot read: {e.Message}");
        }
        try
        {
            return Assembler.Assemble(text);
        }
        catch (ProgramFormatException e)
        {
            throw new ProgramFormatException($"{path}: {e.Message}");
        }
    }
}
