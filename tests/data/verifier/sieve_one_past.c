// expect: unsafe: outside the 512-byte stack frame
#include "corpus.h"

/* As sieve, but crossing off up to j <= 400: composite[400] is one past the array, at the frame's top. */
#define SIEVE 400

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 composite[SIEVE] = {0};
    u64 primes = 0;
    for (u32 i = 2; i < SIEVE; i++) {
        if (composite[i]) continue;
        primes += i < len ? buf[i] : 1;
        for (u32 j = i * i; j <= SIEVE; j += i)
            composite[j] = 1;
    }
    return primes;
}
