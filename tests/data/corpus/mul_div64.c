/* 64-bit unsigned multiply, divide and remainder: modular exponentiation with a 32-bit prime modulus,
 * the high half of a 64x64 product from 32-bit halves, gcd by repeated remainder, and division by
 * data-dependent divisors. */
#include "corpus.h"

static NOINLINE u64 pow_mod(u64 base, u64 exp, u64 mod)
{
    u64 result = 1;
    base %= mod;
    for (int i = 0; i < 64 && exp; i++) {
        if (exp & 1) result = result * base % mod;
        base = base * base % mod;
        exp >>= 1;
    }
    return result;
}

static NOINLINE u64 mul_high(u64 a, u64 b)
{
    u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
    u64 low = al * bl, mid1 = ah * bl, mid2 = al * bh;
    u64 carry = ((low >> 32) + (u32)mid1 + (u32)mid2) >> 32;
    return ah * bh + (mid1 >> 32) + (mid2 >> 32) + carry;
}

static NOINLINE u64 gcd(u64 a, u64 b)
{
    for (int i = 0; i < 100 && b; i++) {
        u64 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = len;
    for (u64 i = 0; i + 16 <= len; i += 16) {
        u64 x = *(u64 *)(buf + i), y = *(u64 *)(buf + i + 8);
        acc += pow_mod(x, y, 4294967291ull);
        acc ^= mul_high(x, y);
        acc += gcd(x | 1, y | 1);
        u64 d = (y >> (x & 63)) | 1;
        acc += x / d + x % d + y / 1000000007 + (u32)x / ((u32)y | 1);
        acc *= 0x9e3779b97f4a7c15ull;
    }
    return acc;
}
