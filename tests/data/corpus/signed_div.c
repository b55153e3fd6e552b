/* Signed division and remainder, 64- and 32-bit, with negative operands: sdiv/smod in eBPF v4. The
 * divisors are never zero and never -1 against the minimum value, which C leaves undefined. */
#include "corpus.h"

static NOINLINE s64 div64(s64 a, s64 b)
{
    if (b == 0 || (b == -1 && a == (s64)0x8000000000000000ull)) return a;
    return (s64)((u64)(a / b) * 7 + (u64)(a % b));
}

static NOINLINE s32 div32(s32 a, s32 b)
{
    if (b == 0 || (b == -1 && a == (s32)0x80000000u)) return a;
    return (s32)((u32)(a / b) - (u32)(a % b * 3));
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = 0;
    for (u64 i = 0; i + 16 <= len; i += 16) {
        s64 a = *(s64 *)(buf + i);
        s64 b = *(s8 *)(buf + i + 8) * 1000 + *(s8 *)(buf + i + 9);
        s32 c = *(s32 *)(buf + i + 12);
        s32 d = *(s16 *)(buf + i + 10);
        acc = acc * 31 + (u64)div64(a, b);
        acc = acc * 31 + (u64)(s64)div32(c, d);
        acc = acc * 31 + (u64)(s64)div32(c, (s32)*(s8 *)(buf + i + 9));
        /* Constant divisors: clang keeps the division (eBPF has no multiply-high to replace it). */
        acc ^= (u64)(a / -7) + (u64)(s64)(c % 13);
    }
    for (u64 i = 0; i < len && i < 64; i++) {
        s32 x = (s8)buf[i];
        acc += (u64)(s64)(x / 3) ^ (u64)(s64)(x % -5);
    }
    return acc;
}
