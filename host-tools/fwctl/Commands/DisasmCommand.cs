using System.CommandLine;
using Firmware.Ebpf.Text;
using Firmware.Tools;

namespace Fwctl.Commands;

/// <summary>`fwctl disasm FILE`: the program in LLVM's pseudo-C syntax, with its source lines when the object has line info.</summary>
public static class DisasmCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "ELF object (.o), eBPF assembly (.s, .asm) or raw bytecode (.bin)" };
        var section = CommonOptions.Section();
        var command = new Command("disasm", "Prints a program in LLVM's pseudo-C syntax, with source lines when it has line info") { file, section };
        command.SetAction(parse =>
        {
            Disassembler.Print(ProgramFile.Load(parse.GetValue(file)!, parse.GetValue(section)), Console.Out);
            return Cli.Ok;
        });
        return command;
    }
}
