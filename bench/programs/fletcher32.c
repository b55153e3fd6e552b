/* Benchmark: Fletcher-32 over the 4 KiB input as little-endian 16-bit words, folding the sums every
 * 359 words (the longest run that cannot overflow 32 bits) instead of reducing at every word. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 sum1 = 0xffff, sum2 = 0xffff;
    u64 i = 0;
    while (i + 1 < len) {
        for (u32 k = 0; k < 359 && i + 1 < len; k++, i += 2) {
            sum1 += buf[i] | (u32)buf[i + 1] << 8;
            sum2 += sum1;
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (u64)sum2 << 16 | sum1;
}
