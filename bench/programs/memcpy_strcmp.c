/* Benchmark: memcpy- and strcmp-like loops over the 4 KiB input: each 64-byte block is copied to the
 * stack with a rotation (a plain copy would become a memcpy call, which eBPF cannot make) and
 * compared byte by byte with the previous block up to the first difference. */
#include "corpus.h"

#define BLOCK 64

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 prev[BLOCK], cur[BLOCK];
    u64 acc = 0;
    for (u64 k = 0; k < BLOCK; k++)
        prev[k] = (u8)k;
    for (u64 i = 0; i + BLOCK <= len; i += BLOCK) {
        for (u64 k = 0; k < BLOCK; k++)
            cur[(k + 1) & (BLOCK - 1)] = buf[i + k];
        u64 same = 0;
        while (same < BLOCK && cur[same] == prev[same])
            same++;
        acc += same;
        acc += same < BLOCK ? (u64)((s32)cur[same] - (s32)prev[same]) : 0;
        for (u64 k = 0; k < BLOCK; k++)
            prev[k] = cur[k] ^ (u8)i;
    }
    return acc;
}
