// expect: safe
#include "corpus.h"

/* A stack array filled by a loop (not unrolled), then read backwards: the verifier must know the whole
 * array was written once the fill loop ends. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 tmp[64];
    if (len < 64)
        return 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        tmp[i] = buf[i] ^ (u8)i;
    u64 hash = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        hash = hash * 31 + tmp[63 - i];
    return hash;
}
