/* Benchmark: mixed-width loads and stores with byte swaps over the 4 KiB input: each 16-byte record
 * is read as u64, u32, u16 and u8 fields and written back byte-swapped at other widths. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = 0;
    for (u64 i = 0; i + 16 <= len; i += 16) {
        u8 *r = buf + i;
        u64 q = *(u64 *)r;
        u32 w = *(u32 *)(r + 8);
        u16 h = *(u16 *)(r + 12);
        u8 b = r[14];
        *(u64 *)r = __builtin_bswap64(q) ^ b;
        *(u32 *)(r + 8) = __builtin_bswap32(w);
        *(u16 *)(r + 12) = __builtin_bswap16(h);
        r[15] = (u8)(q >> 56);
        acc += q ^ w ^ h;
    }
    return acc;
}
