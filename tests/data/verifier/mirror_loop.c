// expect: safe
#include "corpus.h"

/* Compares the buffer with its mirror image: buf[i] against buf[len - 1 - i], an index counting down as
 * another counts up. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 same = 0;
    for (u64 i = 0; i < len; i++)
        same += buf[i] == buf[len - 1 - i];
    return same;
}
