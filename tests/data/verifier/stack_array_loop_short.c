// expect: unsafe: uninitialized stack byte
#include "corpus.h"

/* The fill loop stops one element short of the array that is read afterwards. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 tmp[64];
    if (len < 64)
        return 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 63; i++)
        tmp[i] = buf[i] ^ (u8)i;
    u64 hash = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        hash = hash * 31 + tmp[63 - i];
    return hash;
}
