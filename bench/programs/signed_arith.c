/* Benchmark: signed arithmetic over the 4 KiB input: sign-extending s8/s16/s32 loads, signed
 * division and remainder by data-dependent non-zero divisors, and arithmetic shifts right. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    s64 acc = 0;
    for (u64 i = 0; i + 8 <= len; i += 8) {
        s8 b = *(s8 *)(buf + i);
        s16 h = *(s16 *)(buf + i + 2);
        s32 w = *(s32 *)(buf + i + 4);
        s32 d = (b | 1) * 3;  /* odd, so never zero, and never -1 */
        acc += w / d + h % d + (w >> 9) + ((s64)h >> 2);
    }
    return (u64)acc;
}
