using System;
using Firmware.Ebpf.Isa;
using Firmware.Nano.Helpers;
using Firmware.Nano.Isa;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Engine;

/// <summary>
/// The profile's engine: a switch over the validated slots with the .NET reference interpreter's semantics,
/// fault kinds and instruction indices, budget accounting (charged at back edges, jumps and local calls
/// alike, by the length jumped back over) and call depth. Memory is the instance's byte-array regions.
/// </summary>
internal sealed class Interpreter
{
    private readonly ProgramInstance _instance;
    private readonly Slot[] _slots;
    private readonly ulong[] _lddw;
    private readonly Helper[] _helpers;
    private readonly ulong[] _registers = new ulong[Register.Count];
    // Per frame: r6..r9 and the return slot.
    private readonly ulong[] _frames = new ulong[ProgramInstance.MaxCallDepth * 5];

    public Interpreter(ProgramInstance instance, ulong[] lddw, Helper[] helpers)
    {
        _instance = instance;
        _slots = instance.Program.Slots;
        _lddw = lddw;
        _helpers = helpers;
    }

    public RunResult Execute(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var r = _registers;
        Array.Clear(r, 0, r.Length);
        r[1] = r1; r[2] = r2; r[3] = r3; r[4] = r4; r[5] = r5;
        r[Register.FramePointer] = _instance.StackTop;
        var frames = _frames;
        var slots = _slots;
        var regions = _instance.Regions;
        var context = _instance.Context;
        long budget = _instance.Budget;
        int depth = 0;
        int pc = 0;

        while (true)
        {
            var insn = slots[pc++];
            int dst = insn.Dst;
            ulong src = r[insn.Src];
            ulong imm = (ulong)(long)insn.Imm;
            ulong operand = insn.IsK ? imm : src;
            int target;
            switch (insn.Opcode)
            {
                // ALU64, immediate and register forms.
                case 0x07: case 0x0f: r[dst] += operand; continue;
                case 0x17: case 0x1f: r[dst] -= operand; continue;
                case 0x27: case 0x2f: r[dst] *= operand; continue;
                case 0x37: case 0x3f:
                    r[dst] = insn.Offset == 1 ? Semantics.SDiv64((long)r[dst], (long)operand) : Semantics.Div64(r[dst], operand);
                    continue;
                case 0x47: case 0x4f: r[dst] |= operand; continue;
                case 0x57: case 0x5f: r[dst] &= operand; continue;
                case 0x67: case 0x6f: r[dst] <<= (int)(operand & 63); continue;
                case 0x77: case 0x7f: r[dst] >>= (int)(operand & 63); continue;
                case 0x87: r[dst] = (ulong)-(long)r[dst]; continue;
                case 0x97: case 0x9f:
                    r[dst] = insn.Offset == 1 ? Semantics.SMod64((long)r[dst], (long)operand) : Semantics.Mod64(r[dst], operand);
                    continue;
                case 0xa7: case 0xaf: r[dst] ^= operand; continue;
                case 0xb7: r[dst] = imm; continue;
                case 0xbf: r[dst] = SignExtend(src, insn.Offset == 0 ? 64 : insn.Offset); continue;
                case 0xc7: case 0xcf: r[dst] = (ulong)((long)r[dst] >> (int)(operand & 63)); continue;
                case 0xd7: r[dst] = Semantics.Swap(r[dst], insn.Imm, true); continue;

                // ALU32: operate on the low halves, zero-extend the result.
                case 0x04: case 0x0c: r[dst] = (uint)r[dst] + (uint)operand; continue;
                case 0x14: case 0x1c: r[dst] = (uint)r[dst] - (uint)operand; continue;
                case 0x24: case 0x2c: r[dst] = (uint)r[dst] * (uint)operand; continue;
                case 0x34: case 0x3c:
                    r[dst] = insn.Offset == 1 ? Semantics.SDiv32((int)r[dst], (int)operand) : Semantics.Div32((uint)r[dst], (uint)operand);
                    continue;
                case 0x44: case 0x4c: r[dst] = (uint)r[dst] | (uint)operand; continue;
                case 0x54: case 0x5c: r[dst] = (uint)r[dst] & (uint)operand; continue;
                case 0x64: case 0x6c: r[dst] = (uint)r[dst] << (int)(operand & 31); continue;
                case 0x74: case 0x7c: r[dst] = (uint)r[dst] >> (int)(operand & 31); continue;
                case 0x84: r[dst] = (uint)-(int)r[dst]; continue;
                case 0x94: case 0x9c:
                    r[dst] = insn.Offset == 1 ? Semantics.SMod32((int)r[dst], (int)operand) : Semantics.Mod32((uint)r[dst], (uint)operand);
                    continue;
                case 0xa4: case 0xac: r[dst] = (uint)r[dst] ^ (uint)operand; continue;
                case 0xb4: r[dst] = (uint)imm; continue;
                case 0xbc: r[dst] = (uint)SignExtend(src, insn.Offset == 0 ? 32 : insn.Offset); continue;
                case 0xc4: case 0xcc: r[dst] = (uint)((int)r[dst] >> (int)(operand & 31)); continue;
                case 0xd4: case 0xdc: r[dst] = Semantics.Swap(r[dst], insn.Imm, Semantics.EndSwaps(!insn.IsK)); continue;

                case Opcode.Lddw: r[dst] = _lddw[pc - 1]; pc++; continue;

                // Loads: LDX MEM (zero-extending) and MEMSX (sign-extending).
                case 0x61: case 0x69: case 0x71: case 0x79: case 0x81: case 0x89: case 0x91:
                {
                    ulong address = src + (ulong)(long)insn.Offset;
                    int size = Opcode.Bytes((AccessSize)insn.AccessSize);
                    var region = regions.Find(address, (ulong)size, Access.Read);
                    if (region == null) return RunResult.Failed(FaultKind.InvalidRead, pc - 1, address, size);
                    ulong value = region.Read(address, size);
                    r[dst] = insn.AccessMode == (int)AccessMode.MemSx ? SignExtend(value, size * 8) : value;
                    continue;
                }

                // Stores: ST (immediate) and STX (register).
                case 0x62: case 0x6a: case 0x72: case 0x7a: case 0x63: case 0x6b: case 0x73: case 0x7b:
                {
                    ulong address = r[dst] + (ulong)(long)insn.Offset;
                    int size = Opcode.Bytes((AccessSize)insn.AccessSize);
                    var region = regions.Find(address, (ulong)size, Access.Write);
                    if (region == null) return RunResult.Failed(FaultKind.InvalidWrite, pc - 1, address, size);
                    region.Write(address, size, insn.Class == (int)InstructionClass.St ? imm : src);
                    continue;
                }

                case 0xc3: case 0xdb:
                {
                    ulong address = r[dst] + (ulong)(long)insn.Offset;
                    int size = insn.Opcode == 0xdb ? 8 : 4;
                    var region = regions.Find(address, (ulong)size, Access.ReadWrite);
                    if (region == null) return RunResult.Failed(FaultKind.InvalidWrite, pc - 1, address, size);
                    if ((address & (ulong)(size - 1)) != 0) return RunResult.Failed(FaultKind.MisalignedAtomic, pc - 1, address, size);
                    Atomic(region, address, size, insn.Imm, insn.Src, r);
                    continue;
                }

                case Opcode.Ja: target = pc + insn.Offset; break;
                case Opcode.Ja32: target = pc + insn.Imm; break;

                case Opcode.Call:
                    if (insn.Src == (byte)CallKind.Local)
                    {
                        if (depth == ProgramInstance.MaxCallDepth - 1)
                            return RunResult.Failed(FaultKind.CallDepthExceeded, pc - 1, 0, 0);
                        int frame = depth++ * 5;
                        frames[frame] = r[6]; frames[frame + 1] = r[7]; frames[frame + 2] = r[8]; frames[frame + 3] = r[9];
                        frames[frame + 4] = (ulong)pc;
                        r[Register.FramePointer] -= ProgramInstance.StackFrameSize;
                        target = pc + insn.Imm;
                        break;
                    }
                    r[0] = _helpers[pc - 1].Invoke(context, r[1], r[2], r[3], r[4], r[5]);
                    if (context.PendingFault != FaultKind.None) return HelperFault(context, pc - 1);
                    if (context.Unwind) return RunResult.Success(r[0]);
                    continue;
                case Opcode.CallX:
                {
                    ulong id = r[dst];
                    var helper = id <= int.MaxValue ? _instance.Helpers.Find((int)id) : null;
                    if (helper == null) return RunResult.Failed(FaultKind.UnknownHelper, pc - 1, id, 0);
                    r[0] = helper.Invoke(context, r[1], r[2], r[3], r[4], r[5]);
                    if (context.PendingFault != FaultKind.None) return HelperFault(context, pc - 1);
                    if (context.Unwind) return RunResult.Success(r[0]);
                    continue;
                }
                case Opcode.Exit:
                {
                    if (depth == 0) return RunResult.Success(r[0]);
                    int frame = --depth * 5;
                    r[6] = frames[frame]; r[7] = frames[frame + 1]; r[8] = frames[frame + 2]; r[9] = frames[frame + 3];
                    pc = (int)frames[frame + 4];
                    r[Register.FramePointer] += ProgramInstance.StackFrameSize;
                    continue;
                }

                default:
                    // What the decoder leaves: the conditional jumps of JMP and JMP32.
                    if (insn.Class != (int)InstructionClass.Jmp && insn.Class != (int)InstructionClass.Jmp32)
                        throw new InvalidOperationException("opcode 0x" + insn.Opcode.ToString("x2") + " passed the decoder but has no implementation");
                    if (!Taken(insn.Op, r[dst], operand, insn.Class == (int)InstructionClass.Jmp)) continue;
                    target = pc + insn.Offset;
                    break;
            }

            if (target < pc)
            {
                // A back edge: charge one iteration's length (see the .NET runtime's ExecutionLimits).
                budget -= pc - target;
                if (budget < 0) return RunResult.Failed(FaultKind.BudgetExceeded, pc - 1, 0, 0);
            }
            pc = target;
        }
    }

    private static RunResult HelperFault(HelperContext context, int instruction) =>
        RunResult.Failed(context.PendingFault, instruction, context.PendingAddress, context.PendingSize);

    /// <summary>The low <paramref name="bits"/> bits of value, sign-extended to 64.</summary>
    private static ulong SignExtend(ulong value, int bits) =>
        bits == 64 ? value : (ulong)((long)(value << (64 - bits)) >> (64 - bits));

    private static bool Taken(int op, ulong a, ulong b, bool wide)
    {
        if (!wide)
        {
            a = (uint)a;
            b = (uint)b;
        }
        long sa = wide ? (long)a : (int)a, sb = wide ? (long)b : (int)b;
        switch (op)
        {
            case (int)JmpOp.Jeq: return a == b;
            case (int)JmpOp.Jgt: return a > b;
            case (int)JmpOp.Jge: return a >= b;
            case (int)JmpOp.Jset: return (a & b) != 0;
            case (int)JmpOp.Jne: return a != b;
            case (int)JmpOp.Jsgt: return sa > sb;
            case (int)JmpOp.Jsge: return sa >= sb;
            case (int)JmpOp.Jlt: return a < b;
            case (int)JmpOp.Jle: return a <= b;
            case (int)JmpOp.Jslt: return sa < sb;
            default: return sa <= sb; // Jsle, the last the decoder accepts
        }
    }

    /// <summary>STX|ATOMIC on a checked, aligned address; single-threaded, so a plain read-modify-write.</summary>
    private static void Atomic(Region region, ulong address, int size, int op, int src, ulong[] r)
    {
        ulong mask = size == 8 ? ulong.MaxValue : uint.MaxValue;
        ulong old = region.Read(address, size);
        ulong value = r[src] & mask;
        switch (op & ~AtomicOp.Fetch)
        {
            case AtomicOp.Add: region.Write(address, size, old + value); break;
            case AtomicOp.Or: region.Write(address, size, old | value); break;
            case AtomicOp.And: region.Write(address, size, old & value); break;
            case AtomicOp.Xor: region.Write(address, size, old ^ value); break;
            case AtomicOp.Xchg & ~AtomicOp.Fetch: region.Write(address, size, value); break;
            default: if (old == (r[0] & mask)) region.Write(address, size, value); break; // cmpxchg
        }
        // 32-bit results are zero-extended into the 64-bit register.
        if (op == AtomicOp.CmpXchg) r[0] = old;
        else if ((op & AtomicOp.Fetch) != 0) r[src] = old;
    }
}
