// expect: unsafe: uninitialized stack byte
#include "corpus.h"

/* One loop fills two stack arrays, the second only while its own count stays below 63: its last element is
 * read uninitialised. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 lo[64], hi[64];
    if (len < 128)
        return 0;
    u64 n = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++) {
        lo[i] = buf[i] ^ (u8)i;
        if (n < 63)
            hi[n++] = buf[i + 64];
    }
    u64 hash = 0;
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < 64; i++)
        hash = hash * 31 + lo[i] * hi[i];
    return hash;
}
