/* Byte swaps of every width (bswap16/32/64, and be16/32/64 conversions): the buffer is converted in
 * place to big-endian 64-bit words, then 32- and 16-bit ones for the tail. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = 0, i = 0;
    for (; i + 8 <= len; i += 8) {
        u64 v = *(u64 *)(buf + i);
        *(u64 *)(buf + i) = __builtin_bswap64(v);
        acc = (acc << 7 | acc >> 57) ^ v;
        acc += __builtin_bswap32((u32)v) + __builtin_bswap16((u16)(v >> 48));
    }
    if (i + 4 <= len) {
        u32 v = *(u32 *)(buf + i);
        *(u32 *)(buf + i) = __builtin_bswap32(v);
        acc ^= (u64)v << 3;
        i += 4;
    }
    if (i + 2 <= len) {
        u16 v = *(u16 *)(buf + i);
        *(u16 *)(buf + i) = __builtin_bswap16(v);
        acc ^= (u64)v << 11;
        i += 2;
    }
    if (i < len)
        acc ^= buf[i];
    return acc;
}
