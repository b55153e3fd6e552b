using BenchmarkDotNet.Running;
using Firmware.Bench;

// Our options are taken out; the rest is BenchmarkDotNet's (--filter, --list, ...).
//   --quick              the short job: a few minutes for everything
//   --engines a,b        measure only these engines (native is always measured)
//   --programs a,b       measure only these programs of bench/programs
//   --save-input FILE    write the 4 KiB input every benchmark runs on, for `fwctl run --mem`, and exit
//   --fleet N            roll a package out to N simulated devices on the embedded broker, print the times, and exit
//   --containers N       memory per idle container and CPU per timer-triggered run, N containers per engine, and exit
var rest = new List<string>();
bool quick = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--engines": BenchSettings.Engines = List(args, ++i); break;
        case "--programs": BenchSettings.Programs = List(args, ++i); break;
        case "--fleet":
            return await FleetRollout.RunAsync(int.Parse(Value(args, ++i)));
        case "--containers":
            return ContainerFootprint.Run(int.Parse(Value(args, ++i)));
        case "--save-input":
            File.WriteAllBytes(Value(args, ++i), Workloads.Input);
            return 0;
        default: rest.Add(args[i]); break;
    }
}

// Build every program first: a compile error or a wrong answer stops here, before any measuring.
foreach (var name in BenchSettings.Programs)
    Console.WriteLine($"{name}: {Workloads.Get(name).Program.Instructions.Length} instruction slots");

BenchmarkSwitcher.FromAssembly(typeof(ExecutionBenchmarks).Assembly).Run([.. rest], BenchConfig.Create(quick));
return 0;

static string Value(string[] args, int i) =>
    i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

static string[] List(string[] args, int i) => Value(args, i).Split(',', StringSplitOptions.RemoveEmptyEntries);
