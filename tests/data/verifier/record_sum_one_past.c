// expect: unsafe: outside the 256-byte context
#include "corpus.h"

/* As record_sum_checked, but the bytes are read up to k <= size: the last read is one past the record,
 * which may be one past the buffer. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 sum = 0, i = 0;
    while (i < len) {
        u64 size = buf[i];
        if (i + 1 + size > len) break;
        for (u64 k = 0; k <= size; k++)
            sum = sum * 31 + buf[i + 1 + k];
        i += 1 + size;
    }
    return sum ^ i;
}
