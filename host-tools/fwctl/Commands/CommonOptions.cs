using System.CommandLine;
using Firmware.Ebpf.Engine;

namespace Fwctl.Commands;

/// <summary>Options several commands share, defined once so their names and help stay the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<string> Engine() => new Option<string>("--engine")
    {
        Description = $"Execution engine: {string.Join(", ", Engines.Names)}",
        DefaultValueFactory = _ => Engines.Interpreter,
    }.AcceptOnlyFromAmong([.. Engines.Names]);

    public static Option<string?> Section() => new("--section") { HelpName = "S", Description = "ELF section of the program (default: the first program section)" };

    public static Option<bool> Json() => new("--json") { Description = "Print exactly one JSON object on stdout" };

    public static Argument<string> Program() => new("PROGRAM") { Description = "ELF object (.o), eBPF assembly (.s, .asm) or raw bytecode (.bin)" };
}
