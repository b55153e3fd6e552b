// expect: safe
#include "corpus.h"

/* A callee reads s[n] for n < max, where the caller passes s = buf + start and max = len - start: safe
 * because start + max = len, a sum. */
static NOINLINE u64 scan(const u8 *s, u64 max)
{
    u64 n = 0;
    while (n < max && s[n] != ' ')
        n++;
    return n;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 words = 0;
    for (u64 start = 0; start < len && words < 64; words++)
        start += scan(buf + start, len - start) + 1;
    return words;
}
