using CsCheck;
using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Tests.Text;

/// <summary>
/// Random valid programs covering every instruction form RFC 9669 defines. Built from the ISA enums,
/// not from the assembler's spelling tables, so that a form missing there shows up here.
/// </summary>
internal static class InstructionGen
{
    /// <summary>One instruction, its lddw second slot, and for jumps a seed that picks the target slot.</summary>
    private sealed record Item(Instruction Insn, Instruction? Next = null, int? TargetSeed = null);

    private static readonly Gen<byte> Writable = Gen.Int[0, 9].Select(r => (byte)r);
    private static readonly Gen<byte> AnyRegister = Gen.Int[0, 10].Select(r => (byte)r);
    private static readonly Gen<short> Offset = Gen.Short;
    private static readonly Gen<int> Imm = Gen.OneOf<int>(Gen.Int, Gen.Int[-300, 300]);
    private static readonly Gen<int> Seed = Gen.Int[0, int.MaxValue];
    private static readonly Gen<InstructionClass> AluClass = Gen.OneOf(InstructionClass.Alu, InstructionClass.Alu64);
    private static readonly Gen<InstructionClass> JmpClass = Gen.OneOf(InstructionClass.Jmp, InstructionClass.Jmp32);
    private static readonly Gen<AccessSize> AnySize = Gen.OneOf(AccessSize.B, AccessSize.H, AccessSize.W, AccessSize.DW);

    private static readonly Gen<Item> Arithmetic =
        Gen.Select(AluClass, Gen.OneOf(AluOp.Add, AluOp.Sub, AluOp.Mul, AluOp.Div, AluOp.Or, AluOp.And, AluOp.Lsh,
                AluOp.Rsh, AluOp.Mod, AluOp.Xor, AluOp.Mov, AluOp.Arsh), Gen.Bool, Writable, AnyRegister, Imm, Gen.Bool,
            (cls, op, k, dst, src, imm, signed) =>
            {
                short offset = (short)(signed && op is AluOp.Div or AluOp.Mod ? 1 : 0);
                return new Item(k
                    ? new Instruction(Opcode.Alu(cls, op, OperandSource.K), dst, 0, offset, imm)
                    : new Instruction(Opcode.Alu(cls, op, OperandSource.X), dst, src, offset, 0));
            });

    private static readonly Gen<Item> SignExtend =
        Gen.Select(AluClass, Gen.OneOf<short>(8, 16, 32), Writable, AnyRegister, (cls, bits, dst, src) =>
        {
            var width = cls == InstructionClass.Alu && bits == 32 ? (short)16 : bits;
            return new Item(new Instruction(Opcode.Alu(cls, AluOp.Mov, OperandSource.X), dst, src, width, 0));
        });

    private static readonly Gen<Item> Negate = Gen.Select(AluClass, Writable, (cls, dst) =>
        new Item(new Instruction(Opcode.Alu(cls, AluOp.Neg, OperandSource.K), dst, 0, 0, 0)));

    private static readonly Gen<Item> ByteSwap =
        Gen.Select(Gen.OneOf((byte)0xd4, (byte)0xdc, (byte)0xd7), Gen.OneOf(16, 32, 64), Writable,
            (opcode, width, dst) => new Item(new Instruction(opcode, dst, 0, 0, width)));

    private static readonly Gen<Item> Branch =
        Gen.Select(JmpClass, Gen.OneOf(JmpOp.Jeq, JmpOp.Jgt, JmpOp.Jge, JmpOp.Jset, JmpOp.Jne, JmpOp.Jsgt, JmpOp.Jsge,
                JmpOp.Jlt, JmpOp.Jle, JmpOp.Jslt, JmpOp.Jsle), Gen.Bool, AnyRegister, AnyRegister, Imm, Seed,
            (cls, op, k, dst, src, imm, seed) => new Item(k
                ? new Instruction(Opcode.Jmp(cls, op, OperandSource.K), dst, 0, 0, imm)
                : new Instruction(Opcode.Jmp(cls, op, OperandSource.X), dst, src, 0, 0), TargetSeed: seed));

    private static readonly Gen<Item> Control = Gen.OneOf(
        Seed.Select(seed => new Item(new Instruction(Opcode.Ja, 0, 0, 0, 0), TargetSeed: seed)),
        Seed.Select(seed => new Item(new Instruction(Opcode.Ja32, 0, 0, 0, 0), TargetSeed: seed)),
        Seed.Select(seed => new Item(new Instruction(Opcode.Call, 0, (byte)CallKind.Local, 0, 0), TargetSeed: seed)),
        Imm.Select(id => new Item(new Instruction(Opcode.Call, 0, 0, 0, id))),
        AnyRegister.Select(r => new Item(new Instruction(Opcode.CallX, r, 0, 0, 0))),
        Gen.Const(new Item(new Instruction(Opcode.Exit, 0, 0, 0, 0))));

    private static readonly Gen<Item> Load =
        Gen.Select(AnySize, Gen.Bool, Writable, AnyRegister, Offset, (size, signed, dst, src, offset) =>
        {
            var mode = signed && size != AccessSize.DW ? AccessMode.MemSx : AccessMode.Mem;
            return new Item(new Instruction(Opcode.Mem(InstructionClass.Ldx, mode, size), dst, src, offset, 0));
        });

    private static readonly Gen<Item> Store =
        Gen.Select(AnySize, Gen.Bool, AnyRegister, AnyRegister, Offset, Imm, (size, immediate, dst, src, offset, imm) =>
            new Item(immediate
                ? new Instruction(Opcode.Mem(InstructionClass.St, AccessMode.Mem, size), dst, 0, offset, imm)
                : new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Mem, size), dst, src, offset, 0)));

    private static readonly Gen<Item> Atomic =
        Gen.Select(Gen.OneOf(AccessSize.W, AccessSize.DW), Gen.OneOf(0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1),
            AnyRegister, AnyRegister, Offset, (size, op, dst, src, offset) =>
                // Fetching forms write src, so it cannot be r10 (cmpxchg writes r0 instead).
                new Item(new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Atomic, size), dst,
                    (op & AtomicOp.Fetch) != 0 && op != AtomicOp.CmpXchg && src == Register.FramePointer ? (byte)0 : src, offset, op)));

    private static readonly Gen<Item> Lddw =
        Gen.Select(Writable, Gen.Int[0, 6], Imm, Imm, (dst, kind, low, high) =>
        {
            // A map reference (kinds 1 and 5) has nothing in its second immediate.
            int next = kind is (int)LddwKind.MapByFd or (int)LddwKind.MapByIndex ? 0 : high;
            return new Item(new Instruction(Opcode.Lddw, dst, (byte)kind, 0, low), new Instruction(0, 0, 0, 0, next));
        });

    private static readonly Gen<Item> AnyItem =
        Gen.OneOf(Arithmetic, SignExtend, Negate, ByteSwap, Branch, Control, Load, Store, Atomic, Lddw);

    /// <summary>
    /// A valid program of up to <paramref name="maxItems"/> instructions and a final exit (programs must not
    /// run off their end), every jump landing on an instruction.
    /// </summary>
    public static Gen<Instruction[]> Program(int maxItems = 40) => AnyItem.Array[1, maxItems].Select(Build);

    private static Instruction[] Build(Item[] items)
    {
        var starts = new List<int>();
        int slot = 0;
        foreach (var item in items)
        {
            starts.Add(slot);
            slot += item.Next is null ? 1 : 2;
        }
        var program = new List<Instruction>();
        for (int i = 0; i < items.Length; i++)
        {
            var (insn, next, seed) = items[i];
            if (seed is int s)
            {
                int distance = starts[s % starts.Count] - (starts[i] + 1);
                bool inImmediate = insn.Opcode == Opcode.Ja32 || insn.Opcode == Opcode.Call;
                insn = inImmediate ? insn with { Imm = distance } : insn with { Offset = (short)distance };
            }
            program.Add(insn);
            if (next is { } second) program.Add(second);
        }
        program.Add(new Instruction(Opcode.Exit, 0, 0, 0, 0));
        return [.. program];
    }
}
