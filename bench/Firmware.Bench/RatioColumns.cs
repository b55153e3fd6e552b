using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Firmware.Bench;

/// <summary>A case's median run time divided by a reference time; "-" where there is none.</summary>
public abstract class RatioColumn(string name, string legend) : IColumn
{
    public string Id => GetType().Name;
    public string ColumnName => name;
    public string Legend => legend;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Descriptor.Type != typeof(ExecutionBenchmarks)) return "-";
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? reference = ReferenceNs(summary, (string)benchmarkCase.Parameters["Program"], (string)benchmarkCase.Parameters["Engine"]);
        return median is { } m && reference is { } r ? (m / r).ToString("0.00", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>The reference median in nanoseconds for a program on an engine, or null.</summary>
    protected abstract double? ReferenceNs(Summary summary, string program, string engine);
}

/// <summary>Relative to the native gcc -O2 build of the same program, measured in the same run.</summary>
public sealed class NativeRatioColumn() : RatioColumn("vs native", "Median relative to the native gcc -O2 build, same run")
{
    protected override double? ReferenceNs(Summary summary, string program, string engine)
    {
        var native = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.Type == typeof(ExecutionBenchmarks)
            && (string)c.Parameters["Program"] == program && (string)c.Parameters["Engine"] == BenchSettings.Native);
        return native is null ? null : summary[native]?.ResultStatistics?.Median;
    }
}

/// <summary>
/// Relative to targets.md's reference figure for the same workload: uBPF's interpreter for ours, uBPF's
/// JIT for ours, gcc for native. Those were measured once, in another run, so this is a guide only.
/// </summary>
public sealed class UbpfRatioColumn() : RatioColumn("vs targets.md", "Median relative to targets.md's figure (uBPF interpreter, uBPF JIT, or native gcc)")
{
    private sealed record Figures(double Native, double Interpreter, double Jit);

    private static readonly Dictionary<string, Figures> ByProgram = new()
    {
        ["fletcher32"] = new(1_173, 240_500, 3_600),
        ["crc32"] = new(42_822, 1_632_676, 39_230),
        ["primes"] = new(27_217, 586_115, 95_015),
        ["bubble_sort"] = new(5_337, 352_671, 5_496),
        ["state_fnv"] = new(32_414, 340_127, 27_700),
    };

    protected override double? ReferenceNs(Summary summary, string program, string engine) =>
        ByProgram.TryGetValue(program, out var figures)
            ? engine switch
            {
                BenchSettings.Native => figures.Native,
                Ebpf.Engine.Engines.Interpreter => figures.Interpreter,
                _ => figures.Jit,
            }
            : null;
}
