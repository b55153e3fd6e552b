using System.Runtime.InteropServices;
using Firmware.Ebpf.Programs;
using Firmware.Testing;
using Firmware.Tools;

namespace Firmware.Bench;

/// <summary>
/// A benchmark program built both ways: the eBPF program (clang-19, loaded as `fwctl run` loads it) and
/// the same C compiled by gcc -O2 into a shared library, called through its `entry` function pointer.
/// Also the answer native code gives on <see cref="Workloads.Input"/>, which every engine must match.
/// </summary>
public sealed unsafe class Workload(string name, EbpfProgram program, delegate* unmanaged<byte*, ulong, ulong> native, ulong expected)
{
    public string Name { get; } = name;
    public EbpfProgram Program { get; } = program;
    public delegate* unmanaged<byte*, ulong, ulong> Native { get; } = native;
    public ulong Expected { get; } = expected;
}

/// <summary>
/// The programs of bench/programs, compiled on first use into a temporary directory (removed at exit;
/// the loaded libraries stay mapped), and the one input they all run on.
/// </summary>
public static unsafe class Workloads
{
    private static readonly string Directory = System.IO.Directory.CreateTempSubdirectory("fw-bench-").FullName;
    private static readonly Dictionary<string, Lazy<Workload>> Built =
        CorpusSources.Bench.ToDictionary(Short, p => new Lazy<Workload>(() => Build(p)));

    static Workloads() => AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>"crc32" for bench/programs/crc32.c.</summary>
    public static IEnumerable<string> Names => Built.Keys.Order(StringComparer.Ordinal);

    /// <summary>4 KiB of seeded random bytes: the same input on every engine and on every run.</summary>
    public static byte[] Input { get; } = CreateInput();

    public static Workload Get(string name) => Built.TryGetValue(name, out var workload)
        ? workload.Value
        : throw new ArgumentException($"no benchmark program '{name}' (available: {string.Join(", ", Names)})", nameof(name));

    private static string Short(CProgram program) => Path.GetFileNameWithoutExtension(program.Source);

    private static byte[] CreateInput()
    {
        var input = new byte[4096];
        new Random(4096).NextBytes(input);
        return input;
    }

    private static Workload Build(CProgram source)
    {
        string stem = Path.Combine(Directory, Short(source));
        CCompiler.CompileBpf(source.Source, stem + ".o", CorpusSources.IncludeDirectory);
        CCompiler.CompileSharedLibrary(source.Source, stem + ".so", CorpusSources.IncludeDirectory);
        var native = (delegate* unmanaged<byte*, ulong, ulong>)NativeLibrary.GetExport(NativeLibrary.Load(stem + ".so"), "entry");
        var buffer = Input.ToArray();
        ulong expected;
        fixed (byte* data = buffer)
            expected = native(data, (ulong)buffer.Length);
        return new Workload(Short(source), ProgramFile.Load(stem + ".o"), native, expected);
    }
}
