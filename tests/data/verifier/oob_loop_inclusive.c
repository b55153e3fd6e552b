// expect: unsafe: outside the 256-byte context
#include "corpus.h"

/* Reads buf[len]: one past the end. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 sum = 0;
    for (u64 i = 0; i <= len; i++)
        sum += buf[i];
    return sum;
}
