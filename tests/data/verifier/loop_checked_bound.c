// expect: safe
#include "corpus.h"

/* Bounded by the length argument: every index is checked against len. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 hash = 5381;
    for (u64 i = 0; i < len; i++)
        hash = hash * 33 + buf[i];
    return hash;
}
