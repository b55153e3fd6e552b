// expect: safe
#include "corpus.h"

/* One loop fills two stack arrays (not unrolled); both are read afterwards: the verifier must know each
 * was written whole once the fill loop ends. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 lo[64], hi[64];
    if (len < 128)
        return 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++) {
        lo[i] = buf[i] ^ (u8)i;
        hi[i] = buf[i + 64] + (u8)i;
    }
    u64 hash = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        hash = hash * 31 + lo[i] * hi[i];
    return hash;
}
