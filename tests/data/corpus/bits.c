/* Bit manipulation: population count by clearing the lowest set bit, bit reversal, rotations, leading
 * zeros by shifting, and parity, 64- and 32-bit. */
#include "corpus.h"

static NOINLINE u32 popcount(u64 v)
{
    u32 n = 0;
    for (int i = 0; i < 64 && v; i++) {
        v &= v - 1;
        n++;
    }
    return n;
}

static NOINLINE u32 reverse32(u32 v)
{
    v = (v >> 1 & 0x55555555) | (v & 0x55555555) << 1;
    v = (v >> 2 & 0x33333333) | (v & 0x33333333) << 2;
    v = (v >> 4 & 0x0f0f0f0f) | (v & 0x0f0f0f0f) << 4;
    return __builtin_bswap32(v);
}

static NOINLINE u32 leading_zeros(u64 v)
{
    u32 n = 0;
    for (int i = 0; i < 64 && !(v & 0x8000000000000000ull); i++) {
        v <<= 1;
        n++;
    }
    return n;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = 0;
    u32 parity = 0;
    for (u64 i = 0; i + 8 <= len; i += 8) {
        u64 v = *(u64 *)(buf + i);
        u32 r = ((u32)(v >> 13) & 31) | 1; /* 1..31: no shift by the full width */
        acc += popcount(v);
        acc ^= reverse32((u32)v);
        acc += (v << r | v >> (64 - r)) ^ ((u32)v >> r | (u32)v << ((32 - r) & 31));
        acc += leading_zeros(v >> (v & 63));
        u32 p = (u32)(v ^ v >> 32);
        p ^= p >> 16;
        p ^= p >> 8;
        p ^= p >> 4;
        parity += (0x6996 >> (p & 15)) & 1;
    }
    return acc ^ (u64)parity << 40;
}
