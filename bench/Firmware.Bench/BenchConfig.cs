using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Firmware.Bench;

/// <summary>
/// Benchmarks run in this process: the workloads are compiled at startup and their native libraries
/// loaded here, and building a separate benchmark project per run would cost minutes on a small machine.
/// The quick job (3 warm-ups, 3 iterations) finishes in a few minutes; the default job takes longer
/// and gives tighter intervals.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create(bool quick) => DefaultConfig.Instance
        .AddJob((quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance))
        .AddDiagnoser(MemoryDiagnoser.Default)
        // Medians: the machines are shared and noisy, and the ratio columns divide medians.
        .AddColumn(StatisticColumn.Median, new NativeRatioColumn(), new UbpfRatioColumn());
}
