using Firmware.Ebpf.Isa;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>
/// Conditional jumps: the state on each edge, narrowed by the condition; null for an edge the condition
/// makes impossible. Null checks turn every copy of a lookup result into a map value or into 0.
/// </summary>
internal static class BranchTransfer
{
    public static (AbstractState? Taken, AbstractState? Fallthrough) Execute(Step step, Instruction insn)
    {
        var a = step.Read(insn.Dst);
        bool k = insn.Source == OperandSource.K;
        bool is32 = insn.Class == InstructionClass.Jmp32;
        var b = k ? RegisterValue.Of(is32 ? Scalar.Const((ulong)(uint)insn.Imm) : Scalar.Const((long)insn.Imm)) : step.Read(insn.Src);
        if (a.IsPointer || b.IsPointer)
            return PointerComparison(step, insn, a, b, is32);
        // Taken first: the fallthrough edge narrows the block's state itself (see Start).
        return (Edge(step, insn, a, b, is32, taken: true), Edge(step, insn, a, b, is32, taken: false));
    }

    private static AbstractState? Edge(Step step, Instruction insn, RegisterValue a, RegisterValue b, bool is32, bool taken)
    {
        var (x, y) = (a.Value, b.Value);
        if (is32)
        {
            // A 32-bit comparison narrows the 64-bit values only when it is the same comparison: both values
            // are zero-extended 32-bit ones (the results of 32-bit operations), or for the signed forms, which
            // see the low halves as int32, both fit in 31 bits.
            x = x.Low32();
            y = y.Low32();
            bool signed = insn.JmpOp is JmpOp.Jsgt or JmpOp.Jsge or JmpOp.Jslt or JmpOp.Jsle;
            ulong limit = signed ? int.MaxValue : uint.MaxValue;
            bool exact = a.Value.UMax <= limit && b.Value.UMax <= limit;
            if (!exact && signed) return Start(step, taken);
            var outcome = Comparison.Refine(insn.JmpOp, taken, x, y);
            if (outcome is null) return null;
            if (!exact) return Start(step, taken);
            (x, y) = outcome.Value;
        }
        else
        {
            var outcome = Comparison.Refine(insn.JmpOp, taken, x, y);
            if (outcome is null) return null;
            (x, y) = outcome.Value;
        }
        var state = Start(step, taken);
        Narrow(state, insn.Dst, a, x);
        Differences.BoundSums(state, state.Registers[insn.Dst]);
        if (insn.Source == OperandSource.X)
        {
            Narrow(state, insn.Src, b, y);
            Differences.BoundSums(state, state.Registers[insn.Src]);
            Relate(state, step.Pc, insn, taken);
            Differences.Tighten(state, state.Registers[insn.Src]);
        }
        Differences.Tighten(state, state.Registers[insn.Dst]);
        return state;
    }

    /// <summary>
    /// The state an edge starts from: a copy for the taken edge; for the fallthrough, always computed
    /// second, the block's own state, which the block hands over as it ends (a copy per branch saved).
    /// </summary>
    private static AbstractState Start(Step step, bool taken) => taken ? step.State.Clone() : step.State;

    /// <summary>
    /// Keeps in the zone what the comparison of two registers says about their difference (`i &lt; n`:
    /// i - n &lt;= -1), for values that cannot wrap; an unsigned comparison says it only of values that
    /// are not negative. Reached only for comparisons that compare the 64-bit values (see <see cref="Edge"/>).
    /// </summary>
    private static void Relate(AbstractState state, int pc, Instruction insn, bool taken)
    {
        var (x, y) = (state.Registers[insn.Dst], state.Registers[insn.Src]);
        if (insn.Dst == insn.Src || !Differences.Usable(x) || !Differences.Usable(y) || x.Value.IsConst || y.Value.IsConst) return;
        var op = Signed(insn.JmpOp);
        if (op != insn.JmpOp && (x.Value.SMin < 0 || y.Value.SMin < 0)) return;
        // Bounds on dst - src and on src - dst.
        (long? DstMinusSrc, long? SrcMinusDst) bounds = (op, taken) switch
        {
            (JmpOp.Jslt, true) or (JmpOp.Jsge, false) => (-1, null),
            (JmpOp.Jsle, true) or (JmpOp.Jsgt, false) => (0, null),
            (JmpOp.Jsgt, true) or (JmpOp.Jsle, false) => (null, -1),
            (JmpOp.Jsge, true) or (JmpOp.Jslt, false) => (null, 0),
            (JmpOp.Jeq, true) or (JmpOp.Jne, false) => (0, 0),
            _ => (null, null),
        };
        if (bounds is (null, null)) return;
        x = state.Registers[insn.Dst] = Copies.Linkable(state, pc, x, Copies.Use.FirstOperand);
        y = state.Registers[insn.Src] = Copies.Linkable(state, pc, y, Copies.Use.SecondOperand);
        if (bounds.DstMinusSrc is long c) state.Zone = Differences.Assume(state.Zone, x, y, c);
        if (bounds.SrcMinusDst is long d) state.Zone = Differences.Assume(state.Zone, y, x, d);
        Differences.Unify(state, x, y);
    }

    /// <summary>
    /// Sets a register's narrowed value, and narrows every value linked to it by the same shift
    /// (copies, `i + 1`); narrowing the buffer length argument grows the buffer's proven size.
    /// </summary>
    private static void Narrow(AbstractState state, int register, RegisterValue before, Scalar value)
    {
        state.Registers[register] = before with { Value = value };
        if (before.Id == 0 || !before.IsLinkable) return;
        // A link holds between values of any kind (a pointer's offset moves with its index).
        state.UpdateAll(v => v.Id == before.Id && v.IsLinkable
            ? v with { Value = v.Value.Meet(Links.Transfer(value, before, v)) ?? v.Value }
            : v);
        if (before.Id == AbstractState.BufferLengthId && before.Scale == 1)
            state.BufferLength = state.BufferLength.Meet(value.Shift(-before.Delta)) ?? state.BufferLength;
    }

    private static (AbstractState?, AbstractState?) PointerComparison(Step step, Instruction insn, RegisterValue a, RegisterValue b, bool is32)
    {
        // Formatted only for a diagnostic.
        string Operands() => $"r{insn.Dst} ({a}) and {(insn.Source == OperandSource.K ? insn.Imm.ToString() : $"r{insn.Src} ({b})")}";
        if (is32) step.Fail($"32-bit comparison of pointer {Operands()}");
        if (a.IsPointer && b.IsPointer)
        {
            if (a.Kind != b.Kind || a.Region != b.Region || a.Kind is ValueKind.MapValueOrNull)
                step.Fail($"comparison of pointers into different regions: {Operands()}");
            // Address bits are unknown, so only ordering and equality carry over to the offsets.
            if (insn.JmpOp == JmpOp.Jset)
                step.Fail($"bit test of pointers {Operands()}");
            // Same base: the addresses compare as the offsets do (offsets are bounded far below the
            // distance of any region from either end of the address space).
            var op = Signed(insn.JmpOp);
            return (Edge(step, insn with { Opcode = (byte)((insn.Opcode & ~0xf0) | (byte)op) }, a, b, false, taken: true),
                Edge(step, insn with { Opcode = (byte)((insn.Opcode & ~0xf0) | (byte)op) }, a, b, false, taken: false));
        }
        var (pointer, other, register) = a.IsPointer ? (a, b, insn.Dst) : (b, a, (int)insn.Src);
        if (!(other.Value.IsConst && other.Value.UMin == 0) || insn.JmpOp is not (JmpOp.Jeq or JmpOp.Jne))
            step.Fail($"comparison of pointer with a scalar: {Operands()} (only == 0 and != 0 null checks are allowed)");
        var isNull = NullCheck(step.State, register, pointer, isNull: true);
        var notNull = NullCheck(step.State, register, pointer, isNull: false);
        return insn.JmpOp == JmpOp.Jeq ? (isNull, notNull) : (notNull, isNull);
    }

    private static JmpOp Signed(JmpOp op) => op switch
    {
        JmpOp.Jgt => JmpOp.Jsgt,
        JmpOp.Jge => JmpOp.Jsge,
        JmpOp.Jlt => JmpOp.Jslt,
        JmpOp.Jle => JmpOp.Jsle,
        _ => op,
    };

    /// <summary>The state where the pointer is (or is not) null; null when that cannot happen.</summary>
    private static AbstractState? NullCheck(AbstractState before, int register, RegisterValue pointer, bool isNull)
    {
        if (pointer.Kind != ValueKind.MapValueOrNull) return isNull ? null : before.Clone();
        var state = before.Clone();
        RegisterValue Resolve(RegisterValue v) => isNull ? RegisterValue.Of(Scalar.Zero) : v with { Kind = ValueKind.MapValue };
        if (pointer.Id != 0)
            state.UpdateAll(v => v.Kind == ValueKind.MapValueOrNull && v.Id == pointer.Id ? Resolve(v) : v);
        state.Registers[register] = Resolve(pointer);
        return state;
    }
}
