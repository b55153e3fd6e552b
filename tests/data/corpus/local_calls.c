/* bpf-to-bpf calls: noinline functions taking all five argument registers, calling one another, with
 * values live across the calls (r6-r9 must survive them). */
#include "corpus.h"

static NOINLINE u64 mix(u64 a, u64 b, u64 c, u64 d, u64 e)
{
    return (a ^ b << 1) + (c ^ d << 2) * 3 + (e ^ 0x5555);
}

static NOINLINE u64 fold(u64 x, u32 rounds)
{
    for (u32 i = 0; i < rounds && i < 16; i++)
        x = mix(x, i, x >> 7, x << 3, rounds);
    return x;
}

static NOINLINE u32 digit_sum(u64 v)
{
    u32 s = 0;
    for (int i = 0; i < 20 && v; i++) {
        s += (u32)(v % 10);
        v /= 10;
    }
    return s;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 keep1 = len * 3, keep2 = len ^ 0xabcdef, keep3 = 7, keep4 = 0;
    for (u64 i = 0; i + 5 <= len && i < 512; i += 5) {
        u64 m = mix(buf[i], buf[i + 1], buf[i + 2], buf[i + 3], buf[i + 4]);
        keep4 += fold(m, buf[i] & 15);
        keep3 += digit_sum(keep4);
        keep1 ^= m;
    }
    return keep1 + keep2 * 5 + keep3 * 7 + keep4;
}
