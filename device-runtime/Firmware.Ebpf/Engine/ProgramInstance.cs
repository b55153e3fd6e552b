using System.Runtime.InteropServices;
using Firmware.Ebpf.Helpers;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Engine;

/// <summary>
/// A program bound to what it runs with: live maps, helpers, its stack and the fixed regions (stack
/// and map values). Every engine (interpreter, JITs) runs an instance; per-run regions such as a hook
/// context or an input buffer are added for the duration of one run.
/// Invariant: the region table holds the fixed regions at indices [0, FixedRegionCount).
/// </summary>
public sealed unsafe class ProgramInstance : IDisposable
{
    public const int StackFrameSize = 512;
    public const int MaxCallDepth = 8;
    public const int StackSize = StackFrameSize * MaxCallDepth;

    private readonly Map[] _maps;
    private readonly MapSet? _ownedMaps;
    private byte* _stack;

    /// <summary>An instance with fresh maps built from the program's definitions, freed with the instance.</summary>
    public static ProgramInstance Create(EbpfProgram program, HelperTable helpers, ExecutionLimits? limits = null)
    {
        var maps = new MapSet(program.Maps);
        try
        {
            return new ProgramInstance(program, helpers, maps, limits, maps);
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    /// <summary>An instance over maps the caller owns (shared between programs, or kept across updates).</summary>
    public ProgramInstance(EbpfProgram program, HelperTable helpers, IReadOnlyList<Map> maps, ExecutionLimits? limits = null)
        : this(program, helpers, maps, limits, null)
    {
    }

    private ProgramInstance(EbpfProgram program, HelperTable helpers, IReadOnlyList<Map> maps, ExecutionLimits? limits, MapSet? ownedMaps)
    {
        _ownedMaps = ownedMaps;
        if (maps.Count != program.Maps.Count)
            throw new ArgumentException($"program uses {program.Maps.Count} maps but {maps.Count} were given", nameof(maps));
        Program = program;
        Helpers = helpers;
        Limits = limits ?? ExecutionLimits.Default;
        _maps = [.. maps];
        CheckReferences();
        _stack = (byte*)NativeMemory.AlignedAlloc(StackSize, 16);
        NativeMemory.Clear(_stack, StackSize);
        Regions = new RegionTable();
        Regions.Add(Region.FromLength((ulong)_stack, StackSize, Access.ReadWrite, RegionKind.Stack));
        foreach (var map in _maps)
            Regions.Add(map.ValueRegion);
        FixedRegionCount = Regions.Count;
        Context = new ExecutionContext(Regions, _maps);
    }

    public EbpfProgram Program { get; }
    public HelperTable Helpers { get; }
    public ExecutionLimits Limits { get; }
    public RegionTable Regions { get; }
    public int FixedRegionCount { get; }
    public ExecutionContext Context { get; }
    public IReadOnlyList<Map> Maps => _maps;

    public ulong StackBase => (ulong)_stack;
    /// <summary>r10 of the outermost frame.</summary>
    public ulong StackTop => (ulong)_stack + StackSize;

    /// <summary>The value a lddw loads: a plain immediate, a map handle, or the address of a map value.</summary>
    public ulong ResolveLddw(Instruction first, Instruction second) => (LddwKind)first.Src switch
    {
        LddwKind.Imm64 => first.Imm64(second),
        LddwKind.MapByFd or LddwKind.MapByIndex => MapAt(first.Imm).Handle,
        LddwKind.MapValueByFd or LddwKind.MapValueByIndex => MapAt(first.Imm).ValueRegion.Start + (ulong)(uint)second.Imm,
        _ => throw new ProgramFormatException($"lddw source {first.Src} is not supported"),
    };

    private Map MapAt(int index) => (uint)index < (uint)_maps.Length
        ? _maps[index]
        : throw new ProgramFormatException($"lddw refers to map {index} but the program has {_maps.Length} maps");

    /// <summary>Rejects, before anything runs, references the instance cannot satisfy: unknown helpers and maps.</summary>
    private void CheckReferences()
    {
        var code = Program.Instructions;
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (insn.IsLddw)
            {
                try { ResolveLddw(insn, code[pc + 1]); }
                catch (ProgramFormatException e) { throw new ProgramFormatException($"insn {pc}: {e.Message}"); }
                pc++;
            }
            else if (insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Helper && Helpers.Find(insn.Imm) is null)
                throw new ProgramFormatException($"insn {pc}: call to unknown helper {insn.Imm}");
        }
    }

    /// <summary>Adds the regions of one run (after the fixed ones); <see cref="EndRun"/> drops them.</summary>
    public void BeginRun(ReadOnlySpan<Region> runRegions)
    {
        Regions.Truncate(FixedRegionCount);
        foreach (var region in runRegions)
            Regions.Add(region);
        Context.ResetRun();
    }

    public void EndRun() => Regions.Truncate(FixedRegionCount);

    public void Dispose()
    {
        if (_stack is null) return;
        NativeMemory.AlignedFree(_stack);
        _stack = null;
        _ownedMaps?.Dispose();
    }
}
