using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using static Firmware.Nano.Tests.NanoAssembly;

namespace Firmware.Nano.Tests;

/// <summary>
/// The profile behind the .NET engine interface, so the core's differential checker runs it against the
/// reference interpreter. The profile's regions are placed at the .NET instance's native addresses (stack,
/// map values, the run's buffer) with the same map handles, so both compute identical pointers and fault
/// addresses. Each run copies native memory into the profile's byte arrays and the results back out.
/// Helpers the profile does not have (the generator's test helpers) are bridged to the .NET ones.
/// </summary>
public sealed unsafe class NanoEngine : IEngine
{
    private readonly dynamic _nano;

    public NanoEngine(ProgramInstance instance)
    {
        Instance = instance;
        var layout = New("Engine.AddressLayout");
        layout.StackBase = instance.StackBase;
        layout.MapValueBases = instance.Maps.Select(map => map.ValueRegion.Start).ToArray();
        layout.MapHandles = instance.Maps.Select(map => map.Handle).ToArray();
        var nanoHelpers = Nano.Helpers([.. instance.Helpers.All.Where(h => h.Id >= 100).Select(h => (h.Id, Bridge(h)))]);
        var program = Nano.Program(instance.Program.Name, instance.Program.Instructions, instance.Program.Maps);
        _nano = Nano.Instance(program, nanoHelpers, instance.Limits.InstructionBudget, layout);
    }

    public string Name => "nano";
    public ProgramInstance Instance { get; }

    public RunResult Execute(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var native = Instance.Regions.Regions[Instance.FixedRegionCount..].ToArray();
        var runRegions = native.Select(region => New("Memory.Region", region.Start, Copy(region.Start, region.Length),
            System.Enum.ToObject(Type("Memory.Access"), (byte)region.Access), System.Enum.ToObject(Type("Memory.RegionKind"), (byte)region.Kind))).ToArray();
        dynamic stack = _nano.Stack;
        CopyIn(Instance.StackBase, stack.Data);
        var maps = (object[])_nano.Maps;
        for (int i = 0; i < maps.Length; i++) CopyIn(Instance.Maps[i].ValueRegion.Start, ((dynamic)maps[i]).ValueRegion.Data);

        var result = Nano.Result(_nano.Run((dynamic)Array("Memory.Region", runRegions), r1, r2, r3, r4, r5));

        CopyOut(Instance.StackBase, stack.Data);
        for (int i = 0; i < maps.Length; i++) CopyOut(Instance.Maps[i].ValueRegion.Start, ((dynamic)maps[i]).ValueRegion.Data);
        foreach (dynamic region in runRegions) CopyOut((ulong)region.Start, (byte[])region.Data);
        return result;
    }

    public void Dispose() { }

    private static Func<dynamic, ulong, ulong, ulong, ulong, ulong, ulong> Bridge(Ebpf.Helpers.Helper helper) => (context, r1, r2, r3, r4, r5) =>
    {
        var dotnet = new Ebpf.Helpers.ExecutionContext(new RegionTable(), []);
        ulong value = helper.Invoke(dotnet, r1, r2, r3, r4, r5);
        if (dotnet.PendingFault.IsFault) Nano.Fail(context, dotnet.PendingFault.Kind, dotnet.PendingFault.Address, dotnet.PendingFault.Size);
        if (dotnet.Unwind) context.Unwind = true;
        return value;
    };

    private static byte[] Copy(ulong address, ulong length) => new ReadOnlySpan<byte>((void*)address, (int)length).ToArray();

    private static void CopyIn(ulong address, byte[] data) => new ReadOnlySpan<byte>((void*)address, data.Length).CopyTo(data);

    private static void CopyOut(ulong address, byte[] data) => data.CopyTo(new Span<byte>((void*)address, data.Length));
}
