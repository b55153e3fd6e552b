// expect: unsafe: uninitialized stack byte
#include "corpus.h"

/* The fill loop stops at the first zero byte of the input, so the rest of the array may be unwritten. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 tmp[64];
    if (len < 64)
        return 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++) {
        if (buf[i] == 0)
            break;
        tmp[i] = buf[i];
    }
    u64 hash = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        hash = hash * 31 + tmp[i];
    return hash;
}
