// expect: unsafe: read-only map
#include "corpus.h"

static const u32 table[4] = {1, 2, 3, 4};

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    *(volatile u32 *)&table[len & 3] = 9;
    return table[0] + (len ? buf[0] : 0);
}
