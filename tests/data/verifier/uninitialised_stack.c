// expect: unsafe: uninitialized stack byte
#include "corpus.h"

/* Only slots[0] is written; the index comes from the input. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    volatile u64 slots[4];
    slots[0] = len;
    if (len == 0)
        return 0;
    return slots[buf[0] & 3];
}
