/* Benchmark: Fletcher-32 over the 4 KiB input, reducing both sums modulo 65535 at every 16-bit word
 * (the textbook form, as in targets.md's reference figures). */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 sum1 = 0, sum2 = 0;
    for (u64 i = 0; i + 1 < len; i += 2) {
        sum1 = (sum1 + (buf[i] | (u32)buf[i + 1] << 8)) % 65535;
        sum2 = (sum2 + sum1) % 65535;
    }
    return sum2 << 16 | sum1;
}
