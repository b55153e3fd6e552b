using Firmware.Ebpf.Isa;
using Firmware.Nano.Helpers;
using Firmware.Nano.Isa;
using Firmware.Nano.Maps;
using Firmware.Nano.Memory;
using Firmware.Nano.Programs;

namespace Firmware.Nano.Engine;

/// <summary>
/// A program bound to what it runs with: its maps, helpers, stack (8 frames of 512 bytes, r10 = top) and
/// budget, as the .NET runtime's ProgramInstance. References the instance cannot satisfy (unknown helpers,
/// maps) are refused here, before anything runs. One run at a time: the profile runs programs on the
/// firmware thread that calls the hook point.
/// </summary>
public sealed class ProgramInstance
{
    public const int StackFrameSize = 512;
    public const int MaxCallDepth = 8;
    public const int StackSize = StackFrameSize * MaxCallDepth;
    /// <summary>The .NET runtime's default budget, in instructions jumped back over.</summary>
    public const long DefaultBudget = 1_000_000_000;

    private readonly Interpreter _interpreter;

    public ProgramInstance(EbpfProgram program, HelperTable helpers, long budget, AddressLayout layout)
    {
        Program = program;
        Helpers = helpers;
        Budget = budget;
        Layout = layout ?? new AddressLayout();
        Maps = new Map[program.Maps.Length];
        for (int i = 0; i < Maps.Length; i++)
            Maps[i] = MapFactory.Create(program.Maps[i], Layout.MapValueBase(i), Layout.MapHandle(i));
        Stack = new Region(Layout.StackBase, new byte[StackSize], Access.ReadWrite, RegionKind.Stack);
        Regions = new RegionTable();
        Regions.Add(Stack);
        for (int i = 0; i < Maps.Length; i++)
            Regions.Add(Maps[i].ValueRegion);
        FixedRegionCount = Regions.Count;
        Context = new HelperContext(Regions, Maps);
        Resolve(out var values, out var helperOfSlot);
        _interpreter = new Interpreter(this, values, helperOfSlot);
    }

    public ProgramInstance(EbpfProgram program, HelperTable helpers) : this(program, helpers, DefaultBudget, null) { }

    public EbpfProgram Program { get; }
    public HelperTable Helpers { get; }
    /// <summary>Instructions a run may jump back over (loop iterations' lengths) before it faults.</summary>
    public long Budget { get; }
    public AddressLayout Layout { get; }
    public Map[] Maps { get; }
    public Region Stack { get; }
    public RegionTable Regions { get; }
    public int FixedRegionCount { get; }
    public HelperContext Context { get; }

    /// <summary>r10 of the outermost frame.</summary>
    public ulong StackTop => Stack.Start + StackSize;

    /// <summary>Runs with r1..r5 and the run's own regions (a hook context, buffers) added to the fixed ones.</summary>
    public RunResult Run(Region[] runRegions, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        Regions.Truncate(FixedRegionCount);
        if (runRegions != null)
            foreach (var region in runRegions) Regions.Add(region);
        Context.ResetRun();
        try
        {
            return _interpreter.Execute(r1, r2, r3, r4, r5);
        }
        finally
        {
            Regions.Truncate(FixedRegionCount);
        }
    }

    /// <summary>
    /// The calling convention of `fwctl run` and the conformance suite: r1 = the buffer (writable, at
    /// Layout.BufferBase), r2 = its length; an empty buffer gives r1 = 0 and no region.
    /// </summary>
    public RunResult RunOnBuffer(byte[] buffer)
    {
        if (buffer.Length == 0) return Run(null, 0, 0, 0, 0, 0);
        var region = new Region(Layout.BufferBase, buffer, Access.ReadWrite, RegionKind.Buffer);
        return Run(new[] { region }, region.Start, (ulong)buffer.Length, 0, 0, 0);
    }

    /// <summary>
    /// By slot index, the value each lddw loads (a constant, a map handle or a map value address) and the helper
    /// each helper call names; refuses the first reference that cannot be satisfied, in program order.
    /// </summary>
    private void Resolve(out ulong[] values, out Helper[] helpers)
    {
        var slots = Program.Slots;
        values = new ulong[slots.Length];
        helpers = new Helper[slots.Length];
        for (int pc = 0; pc < slots.Length; pc++)
        {
            var first = slots[pc];
            if (first.Opcode == Opcode.Call && first.Src == (byte)CallKind.Helper)
                helpers[pc] = Helpers.Find(first.Imm)
                    ?? throw new ProgramFormatException("insn " + pc + ": call to unknown helper " + first.Imm);
            if (!first.IsLddw) continue;
            var second = slots[pc + 1];
            switch (first.Src)
            {
                case (byte)LddwKind.Imm64:
                    values[pc] = (uint)first.Imm | ((ulong)(uint)second.Imm << 32);
                    break;
                case (byte)LddwKind.MapByFd:
                case (byte)LddwKind.MapByIndex:
                    values[pc] = MapAt(pc, first.Imm).Handle;
                    break;
                case (byte)LddwKind.MapValueByFd:
                case (byte)LddwKind.MapValueByIndex:
                    values[pc] = MapAt(pc, first.Imm).ValueBase + (uint)second.Imm;
                    break;
                default:
                    throw new ProgramFormatException("insn " + pc + ": lddw source " + first.Src + " is not supported");
            }
            pc++;
        }
    }

    private Map MapAt(int pc, int index) => (uint)index < (uint)Maps.Length
        ? Maps[index]
        : throw new ProgramFormatException("insn " + pc + ": lddw refers to map " + index + " but the program has " + Maps.Length + " maps");
}
