// expect: safe
#include "corpus.h"

/* A sieve of Eratosthenes on the stack: j starts at i * i, which clang keeps as a running sum in one
 * register while it tests i * i < 400 on a product in another. Only following the outer loop one
 * iteration at a time relates the two. */
#define SIEVE 400

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 composite[SIEVE] = {0};
    u64 primes = 0;
    for (u32 i = 2; i < SIEVE; i++) {
        if (composite[i]) continue;
        primes += i < len ? buf[i] : 1;
        for (u32 j = i * i; j < SIEVE; j += i)
            composite[j] = 1;
    }
    return primes;
}
