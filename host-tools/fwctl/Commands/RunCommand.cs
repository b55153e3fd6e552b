using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Tools;

namespace Fwctl.Commands;

/// <summary>`fwctl run PROGRAM`: r1 = a writable copy of --mem, r2 = its length; prints r0.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var program = CommonOptions.Program();
        var section = CommonOptions.Section();
        var mem = new Option<string?>("--mem") { HelpName = "FILE", Description = "File whose bytes the program gets in r1 (length in r2)" };
        var engine = CommonOptions.Engine();
        var repeat = new Option<int>("--repeat") { HelpName = "N", Description = "Run N times (after a warm-up), each on a fresh copy of the input, and report the time per run", DefaultValueFactory = _ => 1 };
        var json = CommonOptions.Json();
        var command = new Command("run", "Runs a program on an input buffer and prints r0") { program, section, mem, engine, repeat, json };
        command.SetAction(parse =>
        {
            int runs = parse.GetValue(repeat);
            if (runs < 1) throw new UsageException("--repeat must be at least 1");
            var loaded = ProgramFile.Load(parse.GetValue(program)!, parse.GetValue(section));
            byte[] input = ReadInput(parse.GetValue(mem));
            var helpers = StandardHelpers.CreateTable();
            using var instance = ProgramInstance.Create(loaded, helpers);
            instance.Context.Trace = line => Console.Error.WriteLine(line);

            long compileStart = Stopwatch.GetTimestamp();
            using var runner = Engines.Create(parse.GetValue(engine)!, instance);
            long compileNs = ElapsedNs(compileStart, 1);

            var buffer = new byte[input.Length];
            var result = RunOnce(runner, input, buffer);
            long nsPerRun = 0;
            if (runs > 1 && result.Ok)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < runs; i++)
                    result = RunOnce(runner, input, buffer);
                nsPerRun = ElapsedNs(start, runs);
            }
            if (!result.Ok)
            {
                Console.Error.WriteLine($"fwctl: fault: {Describe(result.Fault, loaded)}");
                return Cli.No;
            }
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    result = $"0x{result.Value:x}",
                    engine = runner.Name,
                    runs,
                    ns_per_run = nsPerRun,
                    compile_ns = compileNs,
                }));
            else
            {
                Console.WriteLine($"0x{result.Value:x}");
                if (runs > 1) Console.Error.WriteLine($"{runs} runs, {nsPerRun} ns per run ({runner.Name})");
            }
            return Cli.Ok;
        });
        return command;
    }

    private static RunResult RunOnce(IEngine runner, byte[] input, byte[] buffer)
    {
        input.CopyTo(buffer, 0);
        return runner.RunOnBuffer(buffer);
    }

    private static long ElapsedNs(long start, int runs) =>
        (long)(Stopwatch.GetElapsedTime(start).TotalNanoseconds / runs);

    private static byte[] ReadInput(string? path)
    {
        if (path is null) return [];
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>The fault with the source line that caused it, when the program has line info.</summary>
    public static string Describe(Fault fault, EbpfProgram program) =>
        program.LineOf(fault.Instruction) is { } line
            ? $"{line.File}:{line.Line}: {fault} ({line.SourceLine.Trim()})"
            : fault.ToString();
}
