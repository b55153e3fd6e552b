using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Interpreter;

/// <summary>STX|ATOMIC on an address already checked and aligned; `src` is the source register, r0 the cmpxchg comparand.</summary>
internal static unsafe class Atomics
{
    public static void Execute64(ulong* address, int op, ulong* src, ulong* r)
    {
        ref long target = ref *(long*)address;
        long value = (long)*src;
        long old = op switch
        {
            AtomicOp.Add or AtomicOp.Add | AtomicOp.Fetch => Interlocked.Add(ref target, value) - value,
            AtomicOp.Or or AtomicOp.Or | AtomicOp.Fetch => Interlocked.Or(ref target, value),
            AtomicOp.And or AtomicOp.And | AtomicOp.Fetch => Interlocked.And(ref target, value),
            AtomicOp.Xor or AtomicOp.Xor | AtomicOp.Fetch => Xor(ref target, value),
            AtomicOp.Xchg => Interlocked.Exchange(ref target, value),
            _ => Interlocked.CompareExchange(ref target, value, (long)r[0]),
        };
        if (op == AtomicOp.CmpXchg) r[0] = (ulong)old;
        else if ((op & AtomicOp.Fetch) != 0) *src = (ulong)old;
    }

    public static void Execute32(uint* address, int op, ulong* src, ulong* r)
    {
        ref int target = ref *(int*)address;
        int value = (int)*src;
        int old = op switch
        {
            AtomicOp.Add or AtomicOp.Add | AtomicOp.Fetch => Interlocked.Add(ref target, value) - value,
            AtomicOp.Or or AtomicOp.Or | AtomicOp.Fetch => Interlocked.Or(ref target, value),
            AtomicOp.And or AtomicOp.And | AtomicOp.Fetch => Interlocked.And(ref target, value),
            AtomicOp.Xor or AtomicOp.Xor | AtomicOp.Fetch => Xor(ref target, value),
            AtomicOp.Xchg => Interlocked.Exchange(ref target, value),
            _ => Interlocked.CompareExchange(ref target, value, (int)r[0]),
        };
        // 32-bit fetch results are zero-extended into the 64-bit register.
        if (op == AtomicOp.CmpXchg) r[0] = (uint)old;
        else if ((op & AtomicOp.Fetch) != 0) *src = (uint)old;
    }

    private static long Xor(ref long target, long value)
    {
        long old;
        do old = Volatile.Read(ref target);
        while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
        return old;
    }

    private static int Xor(ref int target, int value)
    {
        int old;
        do old = Volatile.Read(ref target);
        while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
        return old;
    }
}
