using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>A helper call checked against its prototype: argument kinds, the memory it reads, what r0 becomes.</summary>
internal static class HelperCall
{
    /// <summary>Largest size a helper memory argument may be given.</summary>
    private const ulong MaxMemorySize = 1 << 16;

    public static void Execute(Step step, Instruction insn)
    {
        var prototype = step.Options.Helpers.Find(insn.Imm);
        if (prototype is null)
            step.Fail($"call to unknown helper {insn.Imm} (this target offers {string.Join(", ", step.Options.Helpers.Ids.Order())})");
        int mapIndex = -1;
        for (int i = 0; i < prototype.Arguments.Count; i++)
        {
            int register = i + 1;
            string use = $"{prototype.Name} argument {register}";
            switch (prototype.Arguments[i])
            {
                case HelperArgument.Scalar:
                    step.ReadScalar(register, use);
                    break;
                case HelperArgument.Map or HelperArgument.RingBuffer:
                    mapIndex = MapArgument(step, register, use, prototype.Arguments[i] == HelperArgument.RingBuffer);
                    break;
                case HelperArgument.MapKey:
                    Memory(step, register, step.Program.Maps[mapIndex].KeySize, use);
                    break;
                case HelperArgument.MapValue:
                    Memory(step, register, step.Program.Maps[mapIndex].ValueSize, use);
                    break;
                case HelperArgument.ReadableMemory:
                    var size = step.ReadScalar(register + 1, $"{prototype.Name} argument {register + 1} (size)");
                    if (size.UMax > MaxMemorySize) step.Fail($"{use}: size r{register + 1} ({size}) is not bounded (at most {MaxMemorySize})");
                    if (size.UMax > 0) Memory(step, register, size.UMax, use);
                    break;
                case HelperArgument.MemorySize:
                    break;
            }
        }
        step.MarkProven();
        for (int r = 1; r <= 5; r++) step.Registers[r] = RegisterValue.Uninitialized;
        step.Registers[Register.R0] = prototype.Returns == HelperReturn.MapValueOrNull
            ? LookupResult(step, mapIndex)
            : RegisterValue.Of(Scalar.Unknown);
    }

    private static int MapArgument(Step step, int register, string use, bool ringBuffer)
    {
        var value = step.Read(register);
        if (value.Kind != ValueKind.Map) step.Fail($"{use}: r{register} ({value}) is not a map");
        var map = step.Program.Maps[value.Region];
        if (ringBuffer != (map.Type == MapType.RingBuffer))
            step.Fail($"{use}: map '{map.Name}' is {(ringBuffer ? "not a ring buffer" : "a ring buffer, which has no keys")}");
        return value.Region;
    }

    private static void Memory(Step step, int register, ulong size, string use)
    {
        var pointer = step.Read(register);
        if (!pointer.IsPointer || pointer.Kind == ValueKind.Map)
            step.Fail($"{use}: r{register} ({pointer}) is not a pointer to {size} readable bytes");
        try
        {
            MemoryAccess.Check(step, register, pointer, 0, (long)size, Access.Read, forbidPointers: true);
        }
        catch (Diagnostics.VerificationError e)
        {
            step.Fail($"{use}: {e.Message}");
        }
    }

    /// <summary>
    /// Copies of one lookup share an id, the allocation site's pc, so a null check on one applies to all.
    /// Older values from the same site (an earlier loop iteration) lose the id: a check on the new result says nothing about them.
    /// </summary>
    private static RegisterValue LookupResult(Step step, int mapIndex)
    {
        int id = step.Pc + 1;
        step.State.UpdateAll(v => v.Kind is ValueKind.MapValueOrNull or ValueKind.MapValue && v.Id == id ? v with { Id = 0 } : v);
        return new RegisterValue(ValueKind.MapValueOrNull, Scalar.Zero, mapIndex, id);
    }
}
