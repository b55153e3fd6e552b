// expect: safe
#include "corpus.h"

/* A loop with a constant bound over a stack array, then over the first 32 buffer bytes. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 table[32];
    for (int i = 0; i < 32; i++)
        table[i] = (u8)(i * 7);
    u64 sum = 0;
    if (len < 32)
        return 0;
    for (int i = 0; i < 32; i++)
        sum += table[i] ^ buf[i];
    return sum;
}
