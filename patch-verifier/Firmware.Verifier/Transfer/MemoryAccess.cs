using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>
/// Whether every address a pointer can hold, plus a displacement, is inside its region with the right
/// access; the one place bounds are decided, for loads, stores, atomics and helper memory arguments.
/// </summary>
internal static class MemoryAccess
{
    /// <summary>Throws with a diagnostic unless [ptr + offset, + size) is accessible on every path.</summary>
    public static void Check(Step step, int register, RegisterValue pointer, long offset, long size, Access access, bool forbidPointers = false)
    {
        string verb = access == Access.Write ? "write" : access == Access.Read ? "read" : "atomic update";
        Int128 lo = (Int128)pointer.Value.SMin + offset, hi = (Int128)pointer.Value.SMax + offset + size;
        var what = new Accessed(verb, size, pointer, lo, hi);
        switch (pointer.Kind)
        {
            case ValueKind.Scalar:
                step.Fail($"{verb} through r{register}, which is a scalar ({pointer}), not a pointer");
                break;
            case ValueKind.Map:
                step.Fail($"{verb} through r{register}, which is a map handle, not memory");
                break;
            case ValueKind.MapValueOrNull:
                step.Fail($"{verb} through r{register}, which may be null: check the map_lookup_elem result against 0 first");
                break;
            case ValueKind.Context:
                CheckContext(step, step.Options.Context, lo, hi, size, access, what);
                break;
            case ValueKind.Stack:
                if (lo < -StackFrame.Size || hi > 0)
                    step.Fail($"{what} is outside the {StackFrame.Size}-byte stack frame");
                if ((access & Access.Read) != 0)
                {
                    var frame = step.State.Frames[pointer.Region].Stack;
                    bool inRun = false;
                    for (int r = 0; r < frame.RunCount && !inRun; r++)
                        inRun = lo >= frame.RunStart(r) && EndsBefore(step.State, pointer, offset + size, frame.RunEnd(r));
                    CheckInitialized(step, frame, (long)lo, (long)hi, what, forbidPointers, inRun);
                }
                break;
            case ValueKind.MapValue:
                var map = step.Program.Maps[pointer.Region];
                if (lo < 0 || hi > map.ValueSize)
                    step.Fail($"{what} is outside the {map.ValueSize}-byte value of map '{map.Name}'");
                if (map.ReadOnly && (access & Access.Write) != 0)
                    step.Fail($"{verb} to read-only map '{map.Name}' (constant data cannot be written)");
                break;
            case ValueKind.Buffer:
                if (lo < 0 || (hi > step.State.BufferLength.UMin && !EndsBefore(step.State, pointer, offset + size, Differences.BufferLength(step.State))))
                    step.Fail($"{what} is outside the buffer (length proven at least {step.State.BufferLength.UMin}: compare the offset with the length first)");
                break;
        }
    }

    private static void CheckContext(Step step, ContextLayout context, Int128 lo, Int128 hi, long size, Access access, Accessed what)
    {
        if (lo < 0 || hi > context.Size)
            step.Fail($"{what} is outside the {context.Size}-byte context");
        foreach (var field in context.Fields)
        {
            if (lo < field.Offset || hi > field.Offset + field.Size) continue;
            if ((field.Access & access) != access)
                step.Fail($"{what}: context field '{field.Name}' is {Rights(field.Access)}");
            return;
        }
        step.Fail($"{what} is not within one context field");
    }

    private static string Rights(Access access) => access switch
    {
        Access.Read => "read-only",
        Access.Write => "write-only",
        _ => "not accessible",
    };

    /// <summary>
    /// Whether pointer + <paramref name="extent"/> &lt;= <paramref name="end"/> on every path by the zone, for an
    /// end that is not a constant: a buffer's length, a filled run's end (`i &lt; n` before reading a[i] of a
    /// run that ends at a + n).
    /// </summary>
    private static bool EndsBefore(AbstractState state, RegisterValue pointer, long extent, RegisterValue end) =>
        Differences.UpperBound(state.Zone, pointer, end) is Int128 bound && bound + extent <= 0;

    /// <param name="inRun">The zone proved the bytes inside one of the frame's filled runs (so initialised), though the byte map cannot say so.</param>
    private static void CheckInitialized(Step step, StackFrame frame, long lo, long hi, Accessed what, bool forbidPointers, bool inRun)
    {
        for (long offset = lo; offset < hi; offset++)
        {
            var kind = frame.ByteAt(offset);
            if (kind == StackByte.Uninitialized && !inRun)
                step.Fail($"{what} reads uninitialized stack byte fp{offset}");
            if (kind != StackByte.Spill) continue;
            long slot = offset - (((offset % 8) + 8) % 8);
            var spilled = frame.SpillAt(slot)!.Value;
            if (spilled.Kind == ValueKind.Conflict)
                step.Fail($"{what} reads fp{slot}, which holds different kinds of value on different paths");
            if (spilled.IsPointer && forbidPointers)
                step.Fail($"{what} would copy the pointer spilled at fp{slot} ({spilled}): pointers may not leak");
        }
    }

    /// <summary>The bytes an access touches, as its diagnostics say: formatted only when one is reported (every load and store is checked).</summary>
    private readonly record struct Accessed(string Verb, long Size, RegisterValue Pointer, Int128 Lo, Int128 Hi)
    {
        public override string ToString() => $"{Verb} of {Size} bytes at {Describe(Pointer)}{Range(Lo, Hi - Size)}";
    }

    public static string Describe(RegisterValue pointer) => pointer.Kind switch
    {
        ValueKind.Context => "ctx",
        ValueKind.Stack => "fp",
        ValueKind.MapValue or ValueKind.MapValueOrNull => "map_value",
        ValueKind.Buffer => "buffer",
        _ => pointer.Kind.ToString(),
    };

    private static string Range(Int128 lo, Int128 hi) =>
        lo == hi ? (lo >= 0 ? $"+{lo}" : $"{lo}") : $"+[{lo}, {hi}]";
}
