// expect: unsafe: outside the 512-byte stack frame
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    volatile u8 local[16];
    for (int i = 0; i < 16; i++)
        local[i] = (u8)i;
    if (len == 0)
        return 0;
    return local[buf[0]];
}
