/* Prime counting by trial division (32-bit divisions, a data-dependent bound) and a stack sieve to
 * cross-check it; the bound comes from the input length. */
#include "corpus.h"

#define SIEVE 400

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 limit = 300 + (u32)(len % 512) + (len ? buf[0] : 0);
    u32 count = 0, sum = 0;
    for (u32 n = 2; n <= limit; n++) {
        u32 prime = 1;
        for (u32 d = 2; d * d <= n; d++)
            if (n % d == 0) { prime = 0; break; }
        if (prime) { count++; sum += n; }
    }
    u8 composite[SIEVE] = {0};
    u32 sieved = 0;
    for (u32 i = 2; i < SIEVE; i++) {
        if (composite[i]) continue;
        if (i <= limit) sieved++;
        for (u32 j = i * i; j < SIEVE; j += i)
            composite[j] = 1;
    }
    return (u64)count << 48 ^ (u64)sieved << 32 ^ sum;
}
