/* Adler-32 with zlib's blocking: 5552 bytes is the longest run before the 32-bit sums must be reduced mod 65521. */
#include "corpus.h"

#define ADLER_MOD 65521
#define ADLER_BLOCK 5552

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 a = 1, b = 0;
    u64 i = 0;
    while (i < len) {
        for (u32 k = 0; k < ADLER_BLOCK && i < len; k++, i++) {
            a += buf[i];
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return (u64)b << 16 | a;
}
