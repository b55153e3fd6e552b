// expect: unsafe: outside the 256-byte context
#include "corpus.h"

/* As mirror_loop, but the mirror index is len - i: buf[len] on the first iteration. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 same = 0;
    for (u64 i = 0; i < len; i++)
        same += buf[i] == buf[len - i];
    return same;
}
