using System.CommandLine;
using System.Text.Json;
using Firmware.Tools.Conformance;

namespace Fwctl.Commands;

/// <summary>`fwctl conformance DIR`: every bpf_conformance .data file in one process.</summary>
public static class ConformanceCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Directory of bpf_conformance .data files" };
        var engine = CommonOptions.Engine();
        var json = CommonOptions.Json();
        var command = new Command("conformance", "Runs the bpf_conformance test files in DIR and reports failures") { dir, engine, json };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(dir)!;
            if (!Directory.Exists(directory)) throw new UsageException($"{directory}: no such directory");
            var outcomes = ConformanceRunner.RunDirectory(directory, parse.GetValue(engine)!).ToList();
            if (outcomes.Count == 0) throw new UsageException($"{directory}: no .data files");
            int failed = outcomes.Count(o => !o.Passed);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    passed = outcomes.Count - failed,
                    failed,
                    failures = outcomes.Where(o => !o.Passed).ToDictionary(o => o.Name, o => o.Failure),
                }));
            }
            else
            {
                foreach (var outcome in outcomes.Where(o => !o.Passed))
                    Console.WriteLine($"FAIL {outcome.Name}: {outcome.Failure}");
                Console.WriteLine($"{outcomes.Count - failed} passed, {failed} failed");
            }
            return failed == 0 ? Cli.Ok : Cli.No;
        });
        return command;
    }
}
