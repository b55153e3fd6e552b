// expect: unsafe: may not terminate
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    volatile u64 spins = 0;
    for (;;)
        spins = spins + len;
    return buf[0];
}
