using Firmware.Ebpf.Engine;

namespace Firmware.Bench;

/// <summary>
/// What to measure, from the command line. The benchmarks run in this process (see <see cref="BenchConfig"/>),
/// so their parameter sources read these directly.
/// </summary>
public static class BenchSettings
{
    /// <summary>The native gcc -O2 build, measured beside the engines as their baseline.</summary>
    public const string Native = "native";

    /// <summary>
    /// The interpreter given the verifier's proofs for the 4 KiB input (proven accesses unchecked), measured
    /// beside the plain interpreter so that both figures come from one run.
    /// </summary>
    public const string ProvenInterpreter = "interpreter+proofs";

    /// <summary>Engines to measure; every engine in <see cref="Engines.Names"/> unless --engines narrows it.</summary>
    public static IReadOnlyList<string> Engines { get; set; } = Ebpf.Engine.Engines.Names;

    /// <summary>Programs to measure; all of bench/programs unless --programs narrows it.</summary>
    public static IReadOnlyList<string> Programs { get; set; } = [.. Workloads.Names];
}
