// expect: safe
#include "corpus.h"

/* Records of a length byte and that many bytes: `i + 1 + size <= len` checks the record, then its bytes are
 * read at `i + 1 + k` for k < size, offsets that are sums of two unknowns. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 sum = 0, i = 0;
    while (i < len) {
        u64 size = buf[i];
        if (i + 1 + size > len) break;
        for (u64 k = 0; k < size; k++)
            sum = sum * 31 + buf[i + 1 + k];
        i += 1 + size;
    }
    return sum ^ i;
}
