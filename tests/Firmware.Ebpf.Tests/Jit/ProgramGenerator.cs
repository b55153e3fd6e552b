using CsCheck;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>A program to run on two engines: its slots (they pass <see cref="Decoder.Validate"/>), the input buffer and the budget.</summary>
public sealed record GeneratedProgram(Instruction[] Code, byte[] Input, long Budget)
{
    public override string ToString() =>
        $"budget {Budget}, input {Convert.ToHexString(Input)}\n"
        + string.Join('\n', Enumerable.Range(0, Code.Length).Select(i => $"{i,4}: {Disassembler.Format(Code, i)}"));
}

/// <summary>
/// Random runnable programs for differential tests between engines (interpreter, x86-64 and AArch64 JITs).
/// Programs are built from pieces (an ALU op, an access, a forward jump, a counted loop, a helper or local
/// call, ...) laid out so that they always terminate: jumps go forward, loops count a stack slot down.
/// Boundary values are favoured (0, -1, INT_MIN, INT_MAX, 0x80000000, shift counts 0/31/32/63/64) and
/// some accesses miss every region, some divisors are zero, some atomics are misaligned.
/// Conventions of every program:
/// <code>
/// r1 = the input buffer at entry, its address kept at [r10 - 8] (the subprogram reads it at [r10 + 504])
/// [r10 - 16]  loop counter         [r10 - 24]  map key
/// r10-relative accesses otherwise stay below r10 - 24, except the deliberately wild ones
/// </code>
/// Layout: prologue, main pieces, exit; subprogram pieces, exit; a recursive function (depth faults).
/// </summary>
public static class ProgramGenerator
{
    public const int MixHelper = 100, RefusingHelper = 101, UnwindingHelper = 102;
    public const int InputLength = 128;
    private const int PointerSlot = -8, CounterSlot = -16, KeySlot = -24;

    /// <summary>Map 0: four 16-byte values; map 1: a read-only one-element array (.rodata).</summary>
    public static IReadOnlyList<MapDefinition> Maps { get; } =
    [
        new("values", MapType.Array, 4, 16, 4),
        new(".rodata", MapType.Array, 4, 16, 1, InitialValue: [.. Enumerable.Range(1, 16).Select(i => (byte)(i * 17))], ReadOnly: true),
    ];

    /// <summary>The standard helpers and the three test helpers the programs call.</summary>
    public static HelperTable Helpers() =>
        StandardHelpers.CreateTable().Add(new MixHelperImpl()).Add(new RefusingHelperImpl()).Add(new UnwindingHelperImpl());

    // ---- values ----

    private static readonly Gen<int> Imm = Gen.Frequency(
        (3, Gen.OneOf(0, 1, -1, 2, -2, 7, int.MinValue, int.MaxValue, 31, 32, 63, 64, 0xff, 0x7fff, 0xffff)),
        (2, Gen.Int));

    private static readonly Gen<ulong> Wide = Gen.Frequency(
        (3, Gen.OneOf<ulong>(0UL, 1UL, ulong.MaxValue, 0x8000000000000000, 0x7fffffffffffffff, 0x80000000, 0xffffffff,
            0x7fffffff, 0x100000000, 0xffffffff80000000, 63, 64, 32)),
        (2, Gen.ULong));

    /// <summary>Mostly the writable map; the read-only one faults on every write.</summary>
    private static readonly Gen<int> Map = Gen.Frequency((3, Gen.Const(0)), (1, Gen.Const(1)));
    private static readonly Gen<byte> Writable = Gen.Int[0, 9].Select(r => (byte)r);
    private static readonly Gen<byte> AnyRegister = Gen.Int[0, 10].Select(r => (byte)r);
    private static readonly Gen<InstructionClass> AluClass = Gen.OneOf(InstructionClass.Alu, InstructionClass.Alu64);
    private static readonly Gen<AccessSize> Size = Gen.OneOf(AccessSize.B, AccessSize.H, AccessSize.W, AccessSize.DW);

    // ---- pieces ----

    private static readonly Gen<Piece> Arithmetic = Gen.Select(AluClass,
        Gen.OneOf(AluOp.Add, AluOp.Sub, AluOp.Mul, AluOp.Div, AluOp.Or, AluOp.And, AluOp.Lsh, AluOp.Rsh, AluOp.Neg,
            AluOp.Mod, AluOp.Xor, AluOp.Mov, AluOp.Arsh, AluOp.End),
        Gen.Bool, Writable, AnyRegister, Imm, Gen.Int[0, 3],
        (cls, op, k, dst, src, imm, variant) => (Piece)new Code([Alu(cls, op, k, dst, src, imm, variant)]));

    private static readonly Gen<Piece> Constant = Gen.Select(Writable, Wide, (dst, value) => (Piece)new Code(Lddw(dst, value)));

    /// <summary>
    /// An access of any kind, given how to form its address: (base register, offset) after a setup. Atomics
    /// get their offset rounded down to their size, except one in 32 (a misaligned atomic faults).
    /// </summary>
    private static Gen<Instruction> Access(Gen<byte> baseRegister, Gen<short> offset) => Gen.Select(
        Gen.Int[0, 4], Size, baseRegister, Gen.Select(offset, Gen.Int[0, 31], (o, misalign) => misalign == 0 ? o : (short)(o & ~7)), Writable, Imm,
        Gen.OneOf(AtomicOp.Add, AtomicOp.Or, AtomicOp.And, AtomicOp.Xor, AtomicOp.Add | AtomicOp.Fetch, AtomicOp.Or | AtomicOp.Fetch,
            AtomicOp.And | AtomicOp.Fetch, AtomicOp.Xor | AtomicOp.Fetch, AtomicOp.Xchg, AtomicOp.CmpXchg),
        (kind, size, address, offset, value, imm, atomic) => kind switch
        {
            0 => new Instruction(Opcode.Mem(InstructionClass.Ldx, AccessMode.Mem, size), value, address, offset, 0),
            1 => new Instruction(Opcode.Mem(InstructionClass.Ldx, size == AccessSize.DW ? AccessMode.Mem : AccessMode.MemSx, size), value, address, offset, 0),
            2 => new Instruction(Opcode.Mem(InstructionClass.St, AccessMode.Mem, size), address, 0, offset, imm),
            3 => new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Mem, size), address, value, offset, 0),
            _ => new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Atomic, size is AccessSize.DW ? AccessSize.DW : AccessSize.W),
                address, value, offset, atomic),
        });

    /// <summary>r10-relative: mostly inside the frame below the reserved slots, sometimes above r10 or far below.</summary>
    private static readonly Gen<Piece> StackAccess = Access(Gen.Const((byte)Register.FramePointer),
            Gen.Frequency((30, Gen.Short[-512, -32]), (1, Gen.OneOf<short>(0, 4, 8, -513, -1000, -4096, short.MinValue, short.MaxValue))))
        .Select(access => (Piece)new Code([access]));

    /// <summary>A stack pointer in another register: r = r10 + delta, then the access.</summary>
    private static readonly Gen<Piece> StackPointerAccess = Gen.Select(Writable, Gen.OneOf(-32, -64, -200, -512, -600, -3000, 600),
        Access(Gen.Const((byte)0), Gen.Short[-40, 0]),
        (register, delta, access) => (Piece)new Code([
            Alu(InstructionClass.Alu64, AluOp.Mov, false, register, Register.FramePointer, 0, 0),
            Alu(InstructionClass.Alu64, AluOp.Add, true, register, 0, delta, 0),
            Rebase(access, register)]));

    /// <summary>The buffer pointer reloaded into a register, maybe moved by a masked index, then the access (near or past the ends).</summary>
    private static readonly Gen<Piece> BufferAccess = Gen.Select(Writable, Writable, Gen.OneOf(0, 0x0f, 0x38),
        Access(Gen.Const((byte)0), Gen.Frequency((25, Gen.Short[0, InputLength - 8 - 0x38]), (1, Gen.Short[-16, InputLength + 16]))),
        (register, index, mask, access) => (Piece)new BufferCode(register, index == register || mask == 0 ? null : (index, mask), Rebase(access, register)));

    /// <summary>A map value address from lddw (map 1 is read-only), then the access.</summary>
    private static readonly Gen<Piece> MapValueAccess = Gen.Select(Writable, Map, Gen.Int[0, 8],
        Access(Gen.Const((byte)0), Gen.Frequency((10, Gen.Short[0, 0]), (1, Gen.Short[-8, 24]))),
        (register, map, offset, access) => (Piece)new Code([
            .. MapValue(register, map, offset),
            Rebase(access, register)]));

    /// <summary>map_lookup_elem(map, &amp;key) then, if found, an access through r0; <c>viaCopy</c> hides the map from the JIT's inliner.</summary>
    private static readonly Gen<Piece> MapLookup = Gen.Select(Map, Gen.Int[0, 4], Gen.Bool, Writable,
        Access(Gen.Const((byte)0), Gen.Frequency((10, Gen.Short[0, 8]), (1, Gen.Short[-4, 20]))),
        (map, key, viaCopy, copy, access) => (Piece)new Code([
            new Instruction(Opcode.Mem(InstructionClass.St, AccessMode.Mem, AccessSize.W), Register.FramePointer, 0, KeySlot, key),
            .. viaCopy && copy > 2
                ? [.. MapHandle(copy, map), Alu(InstructionClass.Alu64, AluOp.Mov, false, 1, copy, 0, 0)]
                : MapHandle(1, map),
            Alu(InstructionClass.Alu64, AluOp.Mov, false, 2, Register.FramePointer, 0, 0),
            Alu(InstructionClass.Alu64, AluOp.Add, true, 2, 0, KeySlot, 0),
            new Instruction(Opcode.Call, 0, 0, 0, 1),
            new Instruction(Opcode.Jmp(InstructionClass.Jmp, JmpOp.Jeq, OperandSource.K), 0, 0, 1, 0),
            Rebase(access, Register.R0)]));

    private static readonly Gen<Piece> HelperCall = Gen.OneOf(MixHelper, RefusingHelper, UnwindingHelper)
        .Select(id => (Piece)new Code([new Instruction(Opcode.Call, 0, 0, 0, id)]));

    /// <summary>callx through a register holding a provided, an unknown or a huge helper number.</summary>
    private static readonly Gen<Piece> Callx = Gen.Select(Writable, Gen.Frequency((4, Gen.OneOf(MixHelper, UnwindingHelper)), (1, Gen.OneOf(999, -1))),
        (register, id) => (Piece)new Code([
            Alu(InstructionClass.Alu64, AluOp.Mov, true, register, 0, id, 0),
            new Instruction(Opcode.CallX, register, 0, 0, 0)]));

    private static readonly Gen<Piece> Jump = Gen.Select(Gen.OneOf(InstructionClass.Jmp, InstructionClass.Jmp32),
        Gen.OneOf(JmpOp.Ja, JmpOp.Jeq, JmpOp.Jgt, JmpOp.Jge, JmpOp.Jset, JmpOp.Jne, JmpOp.Jsgt, JmpOp.Jsge, JmpOp.Jlt, JmpOp.Jle,
            JmpOp.Jslt, JmpOp.Jsle),
        Gen.Bool, AnyRegister, AnyRegister, Imm, Gen.Int[0, 3],
        (cls, op, k, dst, src, imm, skip) => (Piece)new ForwardJump(op == JmpOp.Ja
            ? new Instruction(Opcode.Jmp(cls, JmpOp.Ja, OperandSource.K), 0, 0, 0, 0)
            : k ? new Instruction(Opcode.Jmp(cls, op, OperandSource.K), dst, 0, 0, imm)
                : new Instruction(Opcode.Jmp(cls, op, OperandSource.X), dst, src, 0, 0), skip));

    private static readonly Gen<Piece> Exit = Gen.Const((Piece)new Code([new Instruction(Opcode.Exit, 0, 0, 0, 0)]));

    /// <summary>What a loop body, the subprogram and main all draw from.</summary>
    private static Gen<Piece> Simple() => Gen.Frequency(
        (8, Arithmetic), (2, Constant), (3, StackAccess), (1, StackPointerAccess), (3, BufferAccess), (1, MapValueAccess),
        (1, MapLookup), (1, HelperCall), (1, Callx), (2, Jump));

    private static readonly Gen<Piece> CountedLoop = Gen.Select(Gen.Int[1, 5], Writable, Simple().Array[1, 8],
        (count, counter, body) => (Piece)new Loop(count, counter, body));

    private static Gen<Piece> MainPieces() => Gen.Frequency(
        (20, Simple()), (2, CountedLoop), (1, Gen.Const((Piece)new CallSubprogram())), (1, Gen.Int[0, 9].Select(n => (Piece)new Recurse(n))), (1, Exit));

    private static Gen<Piece> SubPieces() => Gen.Frequency((10, Simple()), (1, CountedLoop), (1, Exit));

    // ---- programs (after the pieces: static fields initialise in order) ----

    public static Gen<GeneratedProgram> Programs { get; } = Gen.Select(
        Gen.ULong.Array[Register.FramePointer], MainPieces().Array[0, 24], SubPieces().Array[0, 8], Gen.Byte.Array[InputLength],
        Gen.Frequency((4, Gen.Const(1_000_000L)), (1, Gen.Long[0, 200])),
        (registers, main, sub, input, budget) => new GeneratedProgram(Layout.Program(registers, main, sub), input, budget));

    /// <summary>Straight-line programs only: ALU, lddw, loads and stores.</summary>
    public static Gen<GeneratedProgram> StraightLinePrograms { get; } = Gen.Select(
        Gen.ULong.Array[Register.FramePointer], Gen.OneOf(Arithmetic, Arithmetic, Constant, StackAccess, BufferAccess).Array[1, 40], Gen.Byte.Array[InputLength],
        (registers, main, input) => new GeneratedProgram(Layout.Program(registers, main, []), input, 1_000_000));

    // ---- instruction builders ----

    /// <summary>A valid ALU instruction of the requested kind; <paramref name="variant"/> picks signedness, widths and byte order.</summary>
    private static Instruction Alu(InstructionClass cls, AluOp op, bool k, byte dst, byte src, int imm, int variant)
    {
        bool wide = cls == InstructionClass.Alu64;
        switch (op)
        {
            case AluOp.Neg:
                return new Instruction(Opcode.Alu(cls, op, OperandSource.K), dst, 0, 0, 0);
            case AluOp.End:
                var source = !wide && variant % 2 == 1 ? OperandSource.X : OperandSource.K;
                return new Instruction(Opcode.Alu(cls, op, source), dst, 0, 0, (variant % 3) switch { 0 => 16, 1 => 32, _ => 64 });
            case AluOp.Div or AluOp.Mod:
                short signed = (short)(variant % 2);
                return k ? new Instruction(Opcode.Alu(cls, op, OperandSource.K), dst, 0, signed, imm)
                         : new Instruction(Opcode.Alu(cls, op, OperandSource.X), dst, src, signed, 0);
            case AluOp.Mov when !k:
                short width = (short)(variant switch { 1 => 8, 2 => 16, 3 when wide => 32, _ => 0 });
                return new Instruction(Opcode.Alu(cls, op, OperandSource.X), dst, src, width, 0);
            default:
                return k ? new Instruction(Opcode.Alu(cls, op, OperandSource.K), dst, 0, 0, imm)
                         : new Instruction(Opcode.Alu(cls, op, OperandSource.X), dst, src, 0, 0);
        }
    }

    private static Instruction[] Lddw(byte dst, ulong value) =>
        [new Instruction(Opcode.Lddw, dst, 0, 0, (int)value), new Instruction(0, 0, 0, 0, (int)(value >> 32))];

    private static Instruction[] MapHandle(byte dst, int map) =>
        [new Instruction(Opcode.Lddw, dst, (byte)LddwKind.MapByIndex, 0, map), new Instruction(0, 0, 0, 0, 0)];

    private static Instruction[] MapValue(byte dst, int map, int offset) =>
        [new Instruction(Opcode.Lddw, dst, (byte)LddwKind.MapValueByIndex, 0, map), new Instruction(0, 0, 0, 0, offset)];

    /// <summary>The same access with its address register replaced (loads address through src, the rest through dst).</summary>
    private static Instruction Rebase(Instruction access, byte register) =>
        access.Class == InstructionClass.Ldx ? access with { Src = register } : access with { Dst = register };

    // ---- layout ----

    private abstract record Piece;

    private sealed record Code(Instruction[] Slots) : Piece;

    private sealed record BufferCode(byte Register, (byte Index, int Mask)? Index, Instruction Access) : Piece;

    private sealed record ForwardJump(Instruction Jump, int Skip) : Piece;

    private sealed record Loop(int Count, byte Counter, Piece[] Body) : Piece;

    private sealed record CallSubprogram : Piece;

    private sealed record Recurse(int Depth) : Piece;

    /// <summary>Lays pieces out into slots, resolving jumps and calls once the targets are known.</summary>
    private sealed class Layout
    {
        private readonly List<Instruction> _slots = [];
        private readonly List<int> _subprogramCalls = [], _recursiveCalls = [];
        private short _pointerSlot = PointerSlot;

        public static Instruction[] Program(ulong[] registers, Piece[] main, Piece[] sub)
        {
            var layout = new Layout();
            layout.Add(new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Mem, AccessSize.DW), Register.FramePointer, 1, PointerSlot, 0));
            for (int r = 0; r < registers.Length; r++)
                if (r != 1) layout.Add(Lddw((byte)r, registers[r]));
            layout.Block(main);
            layout.Add(new Instruction(Opcode.Exit, 0, 0, 0, 0));

            layout.Patch(layout._subprogramCalls);
            layout._pointerSlot = ProgramInstance.StackFrameSize + PointerSlot; // the caller's slot, one frame up
            layout.Block(sub);
            layout.Add(new Instruction(Opcode.Exit, 0, 0, 0, 0));

            // recursive: if r6 == 0 goto exit; r6 -= 1; call recursive; exit
            layout.Patch(layout._recursiveCalls);
            int recursive = layout._slots.Count;
            layout.Add(new Instruction(Opcode.Jmp(InstructionClass.Jmp, JmpOp.Jeq, OperandSource.K), Register.R6, 0, 2, 0));
            layout.Add(Alu(InstructionClass.Alu64, AluOp.Sub, true, Register.R6, 0, 1, 0));
            layout.Add(new Instruction(Opcode.Call, 0, (byte)CallKind.Local, 0, recursive - (layout._slots.Count + 1)));
            layout.Add(new Instruction(Opcode.Exit, 0, 0, 0, 0));
            var code = layout._slots.ToArray();
            if (Decoder.Validate(code) is { } error) throw new InvalidOperationException($"generator bug: {error}");
            return code;
        }

        private void Add(params ReadOnlySpan<Instruction> slots)
        {
            foreach (var slot in slots) _slots.Add(slot);
        }

        /// <summary>Lays out a list of pieces; forward jumps land on the start of a later piece or just past the list.</summary>
        private void Block(Piece[] pieces)
        {
            var starts = new int[pieces.Length + 1];
            var jumps = new List<(int Slot, int Piece)>();
            for (int i = 0; i < pieces.Length; i++)
            {
                starts[i] = _slots.Count;
                switch (pieces[i])
                {
                    case Code code:
                        Add(code.Slots);
                        break;
                    case BufferCode buffer:
                        Add(new Instruction(Opcode.Mem(InstructionClass.Ldx, AccessMode.Mem, AccessSize.DW), buffer.Register, Register.FramePointer, _pointerSlot, 0));
                        if (buffer.Index is var (index, mask))
                            Add(Alu(InstructionClass.Alu64, AluOp.And, true, index, 0, mask, 0),
                                Alu(InstructionClass.Alu64, AluOp.Add, false, buffer.Register, index, 0, 0));
                        Add(buffer.Access);
                        break;
                    case ForwardJump jump:
                        jumps.Add((_slots.Count, Math.Min(i + 1 + jump.Skip, pieces.Length)));
                        Add(jump.Jump);
                        break;
                    case Loop loop:
                        LayLoop(loop);
                        break;
                    case CallSubprogram:
                        _subprogramCalls.Add(_slots.Count);
                        Add(new Instruction(Opcode.Call, 0, (byte)CallKind.Local, 0, 0));
                        break;
                    case Recurse recurse:
                        Add(Alu(InstructionClass.Alu64, AluOp.Mov, true, Register.R6, 0, recurse.Depth, 0));
                        _recursiveCalls.Add(_slots.Count);
                        Add(new Instruction(Opcode.Call, 0, (byte)CallKind.Local, 0, 0));
                        break;
                }
            }
            starts[pieces.Length] = _slots.Count;
            foreach (var (slot, piece) in jumps)
            {
                int offset = starts[piece] - slot - 1;
                var jump = _slots[slot];
                _slots[slot] = jump.Opcode == Opcode.Ja32 ? jump with { Imm = offset } : jump with { Offset = (short)offset };
            }
        }

        /// <summary>[r10 - 16] = count; body; counter = [r10 - 16] - 1; [r10 - 16] = counter; if counter != 0 goto body.</summary>
        private void LayLoop(Loop loop)
        {
            Add(new Instruction(Opcode.Mem(InstructionClass.St, AccessMode.Mem, AccessSize.DW), Register.FramePointer, 0, CounterSlot, loop.Count));
            int body = _slots.Count;
            Block(loop.Body);
            Add(new Instruction(Opcode.Mem(InstructionClass.Ldx, AccessMode.Mem, AccessSize.DW), loop.Counter, Register.FramePointer, CounterSlot, 0),
                Alu(InstructionClass.Alu64, AluOp.Sub, true, loop.Counter, 0, 1, 0),
                new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Mem, AccessSize.DW), Register.FramePointer, loop.Counter, CounterSlot, 0));
            Add(new Instruction(Opcode.Jmp(InstructionClass.Jmp, JmpOp.Jne, OperandSource.K), loop.Counter, 0, (short)(body - (_slots.Count + 1)), 0));
        }

        /// <summary>Points the local calls recorded so far at the next slot.</summary>
        private void Patch(List<int> calls)
        {
            foreach (int slot in calls)
                _slots[slot] = _slots[slot] with { Imm = _slots.Count - slot - 1 };
        }
    }

    // ---- helpers ----

    /// <summary>Mixes all five arguments, so a wrong argument register shows in r0.</summary>
    private sealed class MixHelperImpl() : Helper(MixHelper, "mix")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
            (r1 * 31) ^ (r2 + 7 * r3) ^ (r4 << 3) ^ (r5 * 0x9e3779b97f4a7c15);
    }

    /// <summary>Refuses when r3 ends in three set bits (a HelperFault at the call).</summary>
    private sealed class RefusingHelperImpl() : Helper(RefusingHelper, "refuse")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
        {
            if ((r3 & 7) == 7) context.Fail(FaultKind.HelperFault, r3, 8);
            return r3 ^ 1;
        }
    }

    /// <summary>Stops the program (r0 = its return value) when r2 is a multiple of 4.</summary>
    private sealed class UnwindingHelperImpl() : Helper(UnwindingHelper, "unwind")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
        {
            if ((r2 & 3) == 0) context.Unwind = true;
            return r2 + 1;
        }
    }
}
