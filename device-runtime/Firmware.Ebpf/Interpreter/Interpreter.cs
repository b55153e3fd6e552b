using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Interpreter;

/// <summary>
/// The reference engine: a switch over pre-decoded slots. Every load and store is checked against
/// the run's regions before the host touches memory, unless the verifier proved it safe; faults, budget exhaustion and call depth come
/// back as values. Nothing here allocates per run.
/// </summary>
public sealed unsafe class Interpreter : IEngine
{
    private readonly DecodedOp[] _ops;
    private readonly Helper[] _helpers;

    /// <param name="proofs">Accesses the verifier proved safe: they run without a region check.</param>
    public Interpreter(ProgramInstance instance, IAccessProofs? proofs = null)
    {
        Instance = instance;
        _ops = Predecoder.Decode(instance, proofs ?? NoProofs.Instance, out _helpers);
    }

    public string Name => "interpreter";
    public ProgramInstance Instance { get; }

    // Fully optimised from the first call: tiering would run the hot loop unoptimised until OSR kicks in.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RunResult Execute(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        ulong* r = stackalloc ulong[Register.Count];
        r[1] = r1; r[2] = r2; r[3] = r3; r[4] = r4; r[5] = r5;
        r[Register.FramePointer] = Instance.StackTop;
        // Per frame: r6..r9 and the return slot.
        ulong* frames = stackalloc ulong[ProgramInstance.MaxCallDepth * 5];
        int depth = 0;
        long budget = Instance.Limits.InstructionBudget;
        ReadOnlySpan<Region> regions = Instance.Regions.Regions;
        var context = Instance.Context;
        int pc = 0;
        ulong address = 0;

        fixed (DecodedOp* ops = _ops)
        {
            while (true)
            {
                DecodedOp* op = ops + pc++;
                ulong* dst = r + op->Dst;
                ulong src = r[op->Src];
                ulong imm = (ulong)op->Imm;
                switch (op->Opcode)
                {
                    // ALU64, immediate and register forms.
                    case 0x07: *dst += imm; continue;
                    case 0x0f: *dst += src; continue;
                    case 0x17: *dst -= imm; continue;
                    case 0x1f: *dst -= src; continue;
                    case 0x27: *dst *= imm; continue;
                    case 0x2f: *dst *= src; continue;
                    case 0x37: *dst = Semantics.Div64(*dst, imm); continue;
                    case 0x3f: *dst = Semantics.Div64(*dst, src); continue;
                    case 0x47: *dst |= imm; continue;
                    case 0x4f: *dst |= src; continue;
                    case 0x57: *dst &= imm; continue;
                    case 0x5f: *dst &= src; continue;
                    case 0x67: *dst <<= (int)(imm & 63); continue;
                    case 0x6f: *dst <<= (int)(src & 63); continue;
                    case 0x77: *dst >>= (int)(imm & 63); continue;
                    case 0x7f: *dst >>= (int)(src & 63); continue;
                    case 0x87: *dst = (ulong)-(long)*dst; continue;
                    case 0x97: *dst = Semantics.Mod64(*dst, imm); continue;
                    case 0x9f: *dst = Semantics.Mod64(*dst, src); continue;
                    case 0xa7: *dst ^= imm; continue;
                    case 0xaf: *dst ^= src; continue;
                    case 0xb7: *dst = imm; continue;
                    case 0xbf: *dst = src; continue;
                    case 0xc7: *dst = (ulong)((long)*dst >> (int)(imm & 63)); continue;
                    case 0xcf: *dst = (ulong)((long)*dst >> (int)(src & 63)); continue;

                    // ALU32: operate on the low halves, zero-extend the result.
                    case 0x04: *dst = (uint)*dst + (uint)imm; continue;
                    case 0x0c: *dst = (uint)*dst + (uint)src; continue;
                    case 0x14: *dst = (uint)*dst - (uint)imm; continue;
                    case 0x1c: *dst = (uint)*dst - (uint)src; continue;
                    case 0x24: *dst = (uint)*dst * (uint)imm; continue;
                    case 0x2c: *dst = (uint)*dst * (uint)src; continue;
                    case 0x34: *dst = Semantics.Div32((uint)*dst, (uint)imm); continue;
                    case 0x3c: *dst = Semantics.Div32((uint)*dst, (uint)src); continue;
                    case 0x44: *dst = (uint)*dst | (uint)imm; continue;
                    case 0x4c: *dst = (uint)*dst | (uint)src; continue;
                    case 0x54: *dst = (uint)*dst & (uint)imm; continue;
                    case 0x5c: *dst = (uint)*dst & (uint)src; continue;
                    case 0x64: *dst = (uint)*dst << (int)(imm & 31); continue;
                    case 0x6c: *dst = (uint)*dst << (int)(src & 31); continue;
                    case 0x74: *dst = (uint)*dst >> (int)(imm & 31); continue;
                    case 0x7c: *dst = (uint)*dst >> (int)(src & 31); continue;
                    case 0x84: *dst = (uint)-(int)*dst; continue;
                    case 0x94: *dst = Semantics.Mod32((uint)*dst, (uint)imm); continue;
                    case 0x9c: *dst = Semantics.Mod32((uint)*dst, (uint)src); continue;
                    case 0xa4: *dst = (uint)*dst ^ (uint)imm; continue;
                    case 0xac: *dst = (uint)*dst ^ (uint)src; continue;
                    case 0xb4: *dst = (uint)imm; continue;
                    case 0xbc: *dst = (uint)src; continue;
                    case 0xc4: *dst = (uint)((int)*dst >> (int)(imm & 31)); continue;
                    case 0xcc: *dst = (uint)((int)*dst >> (int)(src & 31)); continue;

                    // Forms the predecoder split out of div, mod, mov and end.
                    case PseudoOp.SDiv64K: *dst = Semantics.SDiv64((long)*dst, (long)imm); continue;
                    case PseudoOp.SDiv64X: *dst = Semantics.SDiv64((long)*dst, (long)src); continue;
                    case PseudoOp.SMod64K: *dst = Semantics.SMod64((long)*dst, (long)imm); continue;
                    case PseudoOp.SMod64X: *dst = Semantics.SMod64((long)*dst, (long)src); continue;
                    case PseudoOp.SDiv32K: *dst = Semantics.SDiv32((int)*dst, (int)imm); continue;
                    case PseudoOp.SDiv32X: *dst = Semantics.SDiv32((int)*dst, (int)src); continue;
                    case PseudoOp.SMod32K: *dst = Semantics.SMod32((int)*dst, (int)imm); continue;
                    case PseudoOp.SMod32X: *dst = Semantics.SMod32((int)*dst, (int)src); continue;
                    case PseudoOp.MovSx64From8: *dst = (ulong)(sbyte)src; continue;
                    case PseudoOp.MovSx64From16: *dst = (ulong)(short)src; continue;
                    case PseudoOp.MovSx64From32: *dst = (ulong)(int)src; continue;
                    case PseudoOp.MovSx32From8: *dst = (uint)(sbyte)src; continue;
                    case PseudoOp.MovSx32From16: *dst = (uint)(short)src; continue;
                    case PseudoOp.ZeroExtend16: *dst = (ushort)*dst; continue;
                    case PseudoOp.ZeroExtend32: *dst = (uint)*dst; continue;
                    case PseudoOp.Nop: continue;
                    case PseudoOp.Swap16: *dst = BinaryPrimitives.ReverseEndianness((ushort)*dst); continue;
                    case PseudoOp.Swap32: *dst = BinaryPrimitives.ReverseEndianness((uint)*dst); continue;
                    case PseudoOp.Swap64: *dst = BinaryPrimitives.ReverseEndianness(*dst); continue;

                    case Opcode.Lddw: *dst = imm; pc++; continue;

                    // Loads: LDX MEM and MEMSX.
                    case 0x61: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 4, Access.Read)) goto readFault; *dst = Unsafe.ReadUnaligned<uint>((void*)address); continue;
                    case 0x69: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 2, Access.Read)) goto readFault; *dst = Unsafe.ReadUnaligned<ushort>((void*)address); continue;
                    case 0x71: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 1, Access.Read)) goto readFault; *dst = *(byte*)address; continue;
                    case 0x79: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 8, Access.Read)) goto readFault; *dst = Unsafe.ReadUnaligned<ulong>((void*)address); continue;
                    case 0x81: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 4, Access.Read)) goto readFault; *dst = (ulong)Unsafe.ReadUnaligned<int>((void*)address); continue;
                    case 0x89: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 2, Access.Read)) goto readFault; *dst = (ulong)Unsafe.ReadUnaligned<short>((void*)address); continue;
                    case 0x91: address = src + (ulong)op->Offset; if (!Allowed(regions, address, 1, Access.Read)) goto readFault; *dst = (ulong)*(sbyte*)address; continue;

                    // Stores: ST (immediate) and STX (register).
                    case 0x62: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 4, Access.Write)) goto writeFault; Unsafe.WriteUnaligned((void*)address, (uint)imm); continue;
                    case 0x6a: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 2, Access.Write)) goto writeFault; Unsafe.WriteUnaligned((void*)address, (ushort)imm); continue;
                    case 0x72: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 1, Access.Write)) goto writeFault; *(byte*)address = (byte)imm; continue;
                    case 0x7a: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 8, Access.Write)) goto writeFault; Unsafe.WriteUnaligned((void*)address, imm); continue;
                    case 0x63: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 4, Access.Write)) goto writeFault; Unsafe.WriteUnaligned((void*)address, (uint)src); continue;
                    case 0x6b: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 2, Access.Write)) goto writeFault; Unsafe.WriteUnaligned((void*)address, (ushort)src); continue;
                    case 0x73: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 1, Access.Write)) goto writeFault; *(byte*)address = (byte)src; continue;
                    case 0x7b: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 8, Access.Write)) goto writeFault; Unsafe.WriteUnaligned((void*)address, src); continue;

                    case 0xc3: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 4, Access.ReadWrite)) goto writeFault; goto atomic32;
                    case 0xdb: address = *dst + (ulong)op->Offset; if (!Allowed(regions, address, 8, Access.ReadWrite)) goto writeFault; goto atomic64;

                    // The same, proven safe by the verifier (PseudoOp.Unchecked): no region check.
                    case 0x41: *dst = Unsafe.ReadUnaligned<uint>((void*)(src + (ulong)op->Offset)); continue;
                    case 0x49: *dst = Unsafe.ReadUnaligned<ushort>((void*)(src + (ulong)op->Offset)); continue;
                    case 0x51: *dst = *(byte*)(src + (ulong)op->Offset); continue;
                    case 0x59: *dst = Unsafe.ReadUnaligned<ulong>((void*)(src + (ulong)op->Offset)); continue;
                    case 0xa1: *dst = (ulong)Unsafe.ReadUnaligned<int>((void*)(src + (ulong)op->Offset)); continue;
                    case 0xa9: *dst = (ulong)Unsafe.ReadUnaligned<short>((void*)(src + (ulong)op->Offset)); continue;
                    case 0xb1: *dst = (ulong)*(sbyte*)(src + (ulong)op->Offset); continue;
                    case 0x42: Unsafe.WriteUnaligned((void*)(*dst + (ulong)op->Offset), (uint)imm); continue;
                    case 0x4a: Unsafe.WriteUnaligned((void*)(*dst + (ulong)op->Offset), (ushort)imm); continue;
                    case 0x52: *(byte*)(*dst + (ulong)op->Offset) = (byte)imm; continue;
                    case 0x5a: Unsafe.WriteUnaligned((void*)(*dst + (ulong)op->Offset), imm); continue;
                    case 0x43: Unsafe.WriteUnaligned((void*)(*dst + (ulong)op->Offset), (uint)src); continue;
                    case 0x4b: Unsafe.WriteUnaligned((void*)(*dst + (ulong)op->Offset), (ushort)src); continue;
                    case 0x53: *(byte*)(*dst + (ulong)op->Offset) = (byte)src; continue;
                    case 0x5b: Unsafe.WriteUnaligned((void*)(*dst + (ulong)op->Offset), src); continue;
                    // Alignment is still checked, as the JITs do.
                    case 0xe3: address = *dst + (ulong)op->Offset; goto atomic32;
                    case 0xfb: address = *dst + (ulong)op->Offset; goto atomic64;

                    // JMP: 64-bit comparisons.
                    case Opcode.Ja: goto jump;
                    case 0x15: if (*dst == imm) goto jump; continue;
                    case 0x1d: if (*dst == src) goto jump; continue;
                    case 0x25: if (*dst > imm) goto jump; continue;
                    case 0x2d: if (*dst > src) goto jump; continue;
                    case 0x35: if (*dst >= imm) goto jump; continue;
                    case 0x3d: if (*dst >= src) goto jump; continue;
                    case 0x45: if ((*dst & imm) != 0) goto jump; continue;
                    case 0x4d: if ((*dst & src) != 0) goto jump; continue;
                    case 0x55: if (*dst != imm) goto jump; continue;
                    case 0x5d: if (*dst != src) goto jump; continue;
                    case 0x65: if ((long)*dst > (long)imm) goto jump; continue;
                    case 0x6d: if ((long)*dst > (long)src) goto jump; continue;
                    case 0x75: if ((long)*dst >= (long)imm) goto jump; continue;
                    case 0x7d: if ((long)*dst >= (long)src) goto jump; continue;
                    case 0xa5: if (*dst < imm) goto jump; continue;
                    case 0xad: if (*dst < src) goto jump; continue;
                    case 0xb5: if (*dst <= imm) goto jump; continue;
                    case 0xbd: if (*dst <= src) goto jump; continue;
                    case 0xc5: if ((long)*dst < (long)imm) goto jump; continue;
                    case 0xcd: if ((long)*dst < (long)src) goto jump; continue;
                    case 0xd5: if ((long)*dst <= (long)imm) goto jump; continue;
                    case 0xdd: if ((long)*dst <= (long)src) goto jump; continue;

                    // JMP32: the same on the low halves.
                    case Opcode.Ja32: goto jump;
                    case 0x16: if ((uint)*dst == (uint)imm) goto jump; continue;
                    case 0x1e: if ((uint)*dst == (uint)src) goto jump; continue;
                    case 0x26: if ((uint)*dst > (uint)imm) goto jump; continue;
                    case 0x2e: if ((uint)*dst > (uint)src) goto jump; continue;
                    case 0x36: if ((uint)*dst >= (uint)imm) goto jump; continue;
                    case 0x3e: if ((uint)*dst >= (uint)src) goto jump; continue;
                    case 0x46: if (((uint)*dst & (uint)imm) != 0) goto jump; continue;
                    case 0x4e: if (((uint)*dst & (uint)src) != 0) goto jump; continue;
                    case 0x56: if ((uint)*dst != (uint)imm) goto jump; continue;
                    case 0x5e: if ((uint)*dst != (uint)src) goto jump; continue;
                    case 0x66: if ((int)*dst > (int)imm) goto jump; continue;
                    case 0x6e: if ((int)*dst > (int)src) goto jump; continue;
                    case 0x76: if ((int)*dst >= (int)imm) goto jump; continue;
                    case 0x7e: if ((int)*dst >= (int)src) goto jump; continue;
                    case 0xa6: if ((uint)*dst < (uint)imm) goto jump; continue;
                    case 0xae: if ((uint)*dst < (uint)src) goto jump; continue;
                    case 0xb6: if ((uint)*dst <= (uint)imm) goto jump; continue;
                    case 0xbe: if ((uint)*dst <= (uint)src) goto jump; continue;
                    case 0xc6: if ((int)*dst < (int)imm) goto jump; continue;
                    case 0xce: if ((int)*dst < (int)src) goto jump; continue;
                    case 0xd6: if ((int)*dst <= (int)imm) goto jump; continue;
                    case 0xde: if ((int)*dst <= (int)src) goto jump; continue;

                    case Opcode.Call:
                        r[0] = _helpers[op->Imm].Invoke(context, r[1], r[2], r[3], r[4], r[5]);
                        if (context.PendingFault.IsFault) goto helperFault;
                        if (context.Unwind) return RunResult.Success(r[0]);
                        continue;
                    case Opcode.CallX:
                    {
                        ulong id = *dst;
                        var helper = id <= int.MaxValue ? Instance.Helpers.Find((int)id) : null;
                        if (helper is null) return RunResult.Failed(new Fault(FaultKind.UnknownHelper, pc - 1, id));
                        r[0] = helper.Invoke(context, r[1], r[2], r[3], r[4], r[5]);
                        if (context.PendingFault.IsFault) goto helperFault;
                        if (context.Unwind) return RunResult.Success(r[0]);
                        continue;
                    }
                    case PseudoOp.CallLocal:
                    {
                        if (depth == ProgramInstance.MaxCallDepth - 1)
                            return RunResult.Failed(new Fault(FaultKind.CallDepthExceeded, pc - 1));
                        ulong* frame = frames + depth++ * 5;
                        frame[0] = r[6]; frame[1] = r[7]; frame[2] = r[8]; frame[3] = r[9]; frame[4] = (ulong)pc;
                        r[Register.FramePointer] -= ProgramInstance.StackFrameSize;
                        goto jump;
                    }
                    case Opcode.Exit:
                    {
                        if (depth == 0) return RunResult.Success(r[0]);
                        ulong* frame = frames + --depth * 5;
                        r[6] = frame[0]; r[7] = frame[1]; r[8] = frame[2]; r[9] = frame[3]; pc = (int)frame[4];
                        r[Register.FramePointer] += ProgramInstance.StackFrameSize;
                        continue;
                    }
                    default:
                        throw new InvalidOperationException($"opcode 0x{op->Opcode:x2} passed the decoder but has no implementation");
                }

            atomic32:
                if ((address & 3) != 0) goto alignmentFault;
                Atomics.Execute32((uint*)address, (int)op->Imm, r + op->Src, r);
                continue;
            atomic64:
                if ((address & 7) != 0) goto alignmentFault;
                Atomics.Execute64((ulong*)address, (int)op->Imm, r + op->Src, r);
                continue;

            jump:
                int target = op->Offset;
                if (target < pc)
                {
                    // A back edge: charge one iteration's length (see ExecutionLimits).
                    budget -= pc - target;
                    if (budget < 0) return RunResult.Failed(new Fault(FaultKind.BudgetExceeded, pc - 1));
                }
                pc = target;
                continue;

            readFault:
                return RunResult.Failed(new Fault(FaultKind.InvalidRead, pc - 1, address, AccessBytes(op->Opcode)));
            writeFault:
                return RunResult.Failed(new Fault(FaultKind.InvalidWrite, pc - 1, address, AccessBytes(op->Opcode)));
            alignmentFault:
                return RunResult.Failed(new Fault(FaultKind.MisalignedAtomic, pc - 1, address, AccessBytes(op->Opcode)));
            helperFault:
                var pending = context.PendingFault;
                return RunResult.Failed(pending with { Instruction = pc - 1 });
            }
        }
    }

    private static int AccessBytes(byte opcode) => Opcode.Bytes((AccessSize)(opcode & Opcode.SizeMask));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Allowed(ReadOnlySpan<Region> regions, ulong address, ulong size, Access access)
    {
        foreach (ref readonly var region in regions)
            if (region.Allows(address, size, access))
                return true;
        return false;
    }

    public void Dispose() { }
}
