/* Benchmark: the primes up to 2000 counted by trial division up to the square root (division-heavy).
 * The bound is 2000 for any input under 1 MiB; deriving it from len keeps clang from folding the
 * whole count to a constant. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    (void)buf;
    u32 limit = 2000 + (u32)(len >> 20);
    u32 count = 0;
    for (u32 n = 2; n <= limit; n++) {
        u32 prime = 1;
        for (u32 d = 2; d * d <= n; d++)
            if (n % d == 0) { prime = 0; break; }
        count += prime;
    }
    return count;
}
