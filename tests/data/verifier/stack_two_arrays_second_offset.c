// expect: unsafe: uninitialized stack byte
#include "corpus.h"

/* One loop fills two stack arrays, the second from its element 1 on: its element 0 is read uninitialised. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 lo[64], hi[65];
    if (len < 128)
        return 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++) {
        lo[i] = buf[i] ^ (u8)i;
        hi[i + 1] = buf[i + 64] + (u8)i;
    }
    u64 hash = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        hash = hash * 31 + lo[i] * hi[i];
    return hash;
}
