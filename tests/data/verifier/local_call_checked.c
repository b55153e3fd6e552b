// expect: safe
#include "corpus.h"

static NOINLINE u64 sum(u8 *p, u64 n)
{
    u64 total = 0;
    for (u64 i = 0; i < n && i < 16; i++)
        total += p[i];
    return total;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    if (len < 16)
        return 0;
    return sum(buf, 16);
}
