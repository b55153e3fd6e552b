using Firmware.Ebpf.Isa;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>ALU and ALU64: scalar arithmetic, and the pointer arithmetic that is allowed (pointer +/- bounded scalar).</summary>
internal static class AluTransfer
{
    /// <summary>Offsets beyond this are rejected so that offset arithmetic can never wrap around the address space.</summary>
    private const long MaxPointerOffset = 1 << 29;

    public static void Execute(Step step, Instruction insn)
    {
        bool is64 = insn.Class == InstructionClass.Alu64;
        var op = insn.AluOp;
        if (op == AluOp.Mov)
        {
            step.Registers[insn.Dst] = Move(step, insn, is64);
            return;
        }
        var dst = step.Read(insn.Dst);
        if (op is AluOp.Neg or AluOp.End)
        {
            var value = ScalarOf(step, insn.Dst, dst, op);
            step.Registers[insn.Dst] = op == AluOp.Neg
                ? KeepLink(RegisterValue.Of(Scalar.Zero), dst, AluOp.Sub, is64, RegisterValue.Of(ScalarArithmetic.Neg(value, is64)))
                : RegisterValue.Of(ScalarArithmetic.Endian(value, insn.Imm, swap: is64 || insn.Source == OperandSource.X));
            return;
        }
        var src = insn.Source == OperandSource.K ? Immediate(insn, is64) : step.Read(insn.Src);
        if (dst.IsPointer || src.IsPointer)
        {
            step.Registers[insn.Dst] = PointerArithmetic(step, insn, is64, dst, src);
            return;
        }
        if (is64 && op is AluOp.Add or AluOp.Sub && dst.Value.IsConst && !src.Value.IsConst && src.IsLinkable)
        {
            // c + x, c - x: linked to x (`len - start`), which needs an id to be linked to.
            src = step.Registers[insn.Src] = Copies.Linkable(step, src, Copies.Use.SecondOperand);
        }
        var result = RegisterValue.Of(ScalarArithmetic.Apply(op, dst.Value, src.Value, is64, signedDivision: insn.Offset == 1));
        step.Registers[insn.Dst] = is64 && op is AluOp.Add or AluOp.Sub && !dst.Value.IsConst && !src.Value.IsConst
            ? Sum(step, insn, dst, src, result)
            : KeepLink(dst, src, op, is64, result);
    }

    /// <summary>
    /// x + y or x - y of two unknowns: bounded by what the zone knows of the sum (`i + k` after `k &lt; size`
    /// and `i + size &lt;= 254`), and the base of a new group that remembers it is that sum, so that a
    /// comparison of the result bounds the operands' sum (`if (i + 2 + size > len)`).
    /// </summary>
    private static RegisterValue Sum(Step step, Instruction insn, RegisterValue dst, RegisterValue src, RegisterValue result)
    {
        if (!Differences.Usable(dst) || !Differences.Usable(src) || dst.Id == 0) return result;
        src = step.Registers[insn.Src] = Copies.Linkable(step, src, Copies.Use.SecondOperand);
        var operand = insn.AluOp == AluOp.Add ? src : Differences.Negated(src);
        if (Differences.Sum(step.State.Zone, dst, operand) is { } known)
            result = result with { Value = result.Value.Meet(known) ?? result.Value };
        result = Copies.Linkable(step, result, Copies.Use.Result);
        Differences.RecordSum(step.State, result, dst, operand);
        return result;
    }

    /// <summary>
    /// Adding or subtracting a constant keeps a linked value linked, at a new delta; subtracting it from a
    /// constant (`len - start`) negates its scale; multiplying or shifting it left by one scales its link.
    /// Not the buffer length's group at other scales than 1: its narrowing assumes scale 1.
    /// </summary>
    private static RegisterValue KeepLink(RegisterValue before, RegisterValue operand, AluOp op, bool is64, RegisterValue after)
    {
        if (is64 && before.Value.IsConst && op is AluOp.Add or AluOp.Sub && operand.Id != 0 && operand.IsLinkable && !operand.Value.IsConst)
            return ConstantAndLinked((long)before.Value.UMin, operand, op, after);
        if (!is64 || before.Id == 0 || !before.IsLinkable || !operand.Value.IsConst) return after;
        long constant = (long)operand.Value.UMin;
        if (constant is > 1 << 30 or < -(1 << 30)) return after;
        long factor = op switch
        {
            AluOp.Mul when constant >= 1 => constant,
            AluOp.Lsh when constant is >= 0 and <= 20 => 1L << (int)constant,
            _ => 0,
        };
        if (op is AluOp.Add or AluOp.Sub)
            return after with { Id = before.Id, Scale = before.Scale, Delta = before.Delta + (op == AluOp.Add ? constant : -constant) };
        if (factor == 0 || before.Id == AbstractState.BufferLengthId || !Links.Fits(before.Scale * factor) || !Links.Fits(before.Delta * factor))
            return after;
        return after with { Id = before.Id, Scale = before.Scale * factor, Delta = before.Delta * factor };
    }

    /// <summary>c + x or c - x, for a linked x.</summary>
    private static RegisterValue ConstantAndLinked(long constant, RegisterValue linked, AluOp op, RegisterValue after)
    {
        if (constant is > 1 << 30 or < -(1 << 30)) return after;
        if (op == AluOp.Add) return after with { Id = linked.Id, Scale = linked.Scale, Delta = linked.Delta + constant };
        if (linked.Id == AbstractState.BufferLengthId) return after;
        return after with { Id = linked.Id, Scale = -linked.Scale, Delta = constant - linked.Delta };
    }

    private static RegisterValue Immediate(Instruction insn, bool is64) =>
        RegisterValue.Of(is64 ? Scalar.Const((long)insn.Imm) : Scalar.Const((ulong)(uint)insn.Imm));

    private static RegisterValue Move(Step step, Instruction insn, bool is64)
    {
        if (insn.Source == OperandSource.K) return Immediate(insn, is64);
        var src = step.Read(insn.Src);
        if (src.IsPointer && (!is64 || insn.Offset != 0))
            step.Fail($"r{insn.Src} is a pointer ({src}): only a 64-bit mov may copy it");
        if (!is64 || insn.Offset != 0)
        {
            var value = src.Value;
            if (insn.Offset != 0) value = (is64 ? value : value.Low32()).SignExtend(insn.Offset);
            return RegisterValue.Of(is64 ? value : value.Low32());
        }
        src = Copies.Linkable(step, src);
        step.Registers[insn.Src] = src;
        return src;
    }

    private static Scalar ScalarOf(Step step, int register, RegisterValue value, AluOp op)
    {
        if (value.IsPointer) step.Fail($"{op.ToString().ToLowerInvariant()} on r{register}, a pointer ({value})");
        return value.Value;
    }

    private static RegisterValue PointerArithmetic(Step step, Instruction insn, bool is64, RegisterValue dst, RegisterValue src)
    {
        var op = insn.AluOp;
        // Formatted only for a diagnostic: this runs on every pointer step.
        string Operands() => insn.Source == OperandSource.K ? $"r{insn.Dst} ({dst})" : $"r{insn.Dst} ({dst}) and r{insn.Src} ({src})";
        if (!is64 || op is not (AluOp.Add or AluOp.Sub))
            step.Fail($"pointer arithmetic other than 64-bit + and - on {Operands()}");
        if (dst.IsPointer && src.IsPointer)
        {
            if (op != AluOp.Sub || dst.Kind != src.Kind || dst.Region != src.Region || dst.Kind is ValueKind.MapValueOrNull or ValueKind.Map)
                step.Fail($"arithmetic on two pointers {Operands()}: only the difference of pointers into one region is allowed");
            return RegisterValue.Of(ScalarArithmetic.Apply(AluOp.Sub, dst.Value, src.Value, true, false));
        }
        var (pointer, scalarRegister) = dst.IsPointer ? (dst, src) : (src, dst);
        var scalar = scalarRegister.Value;
        if (op == AluOp.Sub && !dst.IsPointer)
            step.Fail($"scalar minus pointer on {Operands()}");
        if (pointer.Kind is ValueKind.MapValueOrNull or ValueKind.Map)
            step.Fail($"arithmetic on {Operands()}: {(pointer.Kind == ValueKind.Map ? "a map handle" : "a pointer that may be null")} cannot be offset");
        var offset = ScalarArithmetic.Apply(op, pointer.Value, scalar, true, false);
        if (!pointer.Value.IsConst && !scalar.IsConst
            && Differences.Sum(step.State.Zone, pointer, op == AluOp.Add ? scalarRegister : Differences.Negated(scalarRegister)) is { } known)
        {
            // `s + n` where the zone bounds start + n (`n < len - start`, s = buf + start).
            offset = offset.Meet(known) ?? offset;
        }
        if (offset.SMin < -MaxPointerOffset || offset.SMax > MaxPointerOffset)
            step.Fail($"pointer arithmetic on {Operands()} gives an unbounded offset {offset}: bound the scalar first");
        var moved = new RegisterValue(pointer.Kind, offset, pointer.Region, pointer.Kind is ValueKind.MapValue ? pointer.Id : 0);
        if (pointer.Kind is ValueKind.MapValue) return moved;
        if (op == AluOp.Add && pointer.Value.IsConst && !scalar.IsConst)
        {
            // base + index: the pointer's offset moves with the index, so checks on the index bound it.
            if (dst.IsPointer) scalarRegister = step.Registers[insn.Src] = Copies.Linkable(step, scalarRegister, Copies.Use.SecondOperand);
            long baseOffset = (long)pointer.Value.UMin;
            if (scalarRegister.Id != 0) return moved with { Id = scalarRegister.Id, Scale = scalarRegister.Scale, Delta = scalarRegister.Delta + baseOffset };
        }
        return dst.IsPointer ? KeepLink(dst, src, op, true, moved) : moved;
    }
}
