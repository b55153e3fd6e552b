using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using static Firmware.Nano.Tests.NanoAssembly;

namespace Firmware.Nano.Tests;

/// <summary>Builds the profile's objects from the .NET runtime's and converts its results back.</summary>
public static class Nano
{
    /// <summary>A profile program from validated .NET slots, through the device-side reader.</summary>
    public static dynamic Program(string name, Instruction[] code, IReadOnlyList<MapDefinition>? maps = null) =>
        Call("Programs.ProgramReader", "Read", name, Instruction.WriteAll(code),
            Array("Maps.MapDefinition", [.. (maps ?? []).Select(MapDefinition)]))!;

    public static object MapDefinition(MapDefinition map)
    {
        var definition = New("Maps.MapDefinition", map.Name, System.Enum.ToObject(Type("Maps.MapType"), (uint)map.Type),
            map.KeySize, map.ValueSize, map.MaxEntries);
        definition.InitialValue = map.InitialValue;
        definition.ReadOnly = map.ReadOnly;
        return definition;
    }

    /// <summary>The profile's standard helpers plus the given ones, each bridged from a .NET-side function.</summary>
    public static dynamic Helpers(params (int Id, Func<dynamic, ulong, ulong, ulong, ulong, ulong, ulong> Function)[] extra)
    {
        var table = Call("Helpers.HelperTable", "Standard")!;
        foreach (var (id, function) in extra)
            ((dynamic)table).Add(id, "test" + id, (dynamic)HelperFunction(function));
        return table;
    }

    /// <summary>A delegate of the profile's HelperFunction type that calls a .NET function (the context passed as dynamic).</summary>
    public static Delegate HelperFunction(Func<dynamic, ulong, ulong, ulong, ulong, ulong, ulong> function)
    {
        var bridge = new HelperBridge(function);
        return Delegate.CreateDelegate(Type("Helpers.HelperFunction"), bridge, typeof(HelperBridge).GetMethod(nameof(HelperBridge.Invoke))!);
    }

    public sealed class HelperBridge(Func<dynamic, ulong, ulong, ulong, ulong, ulong, ulong> function)
    {
        // The first parameter is object: delegate binding accepts it for the profile's HelperContext (contravariance).
        public ulong Invoke(object context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) => function(context, r1, r2, r3, r4, r5);
    }

    public static dynamic Instance(dynamic program, dynamic helpers, long budget = 1_000_000_000, dynamic? layout = null) =>
        New("Engine.ProgramInstance", program, helpers, budget, layout);

    /// <summary>The profile's RunResult as the .NET runtime's.</summary>
    public static RunResult Result(dynamic result)
    {
        var kind = (FaultKind)(byte)result.Kind;
        return kind == FaultKind.None
            ? RunResult.Success((ulong)result.Value)
            : RunResult.Failed(new Fault(kind, (int)result.Instruction, (ulong)result.Address, (int)result.Size));
    }

    /// <summary>Sets a helper fault on the profile's HelperContext.</summary>
    public static void Fail(dynamic context, FaultKind kind, ulong address, int size) =>
        context.Fail((dynamic)System.Enum.ToObject(Type("Memory.FaultKind"), (byte)kind), address, size);
}
