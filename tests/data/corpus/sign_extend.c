/* Sign-extending loads of s8/s16/s32 (ldxsb/ldxsh/ldxsw), sign-extending moves, and arithmetic
 * shifts right of negative values, 64- and 32-bit. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    s64 acc = 0;
    u64 mix = 0;
    for (u64 i = 0; i + 8 <= len; i += 8) {
        s8 b = *(s8 *)(buf + i);
        s16 h = *(s16 *)(buf + i + 2);
        s32 w = *(s32 *)(buf + i + 4);
        acc += b;
        acc -= h;
        acc += (s64)w >> 7;
        s32 narrow = (s32)((u32)w + (u32)(s32)h);
        mix ^= (u64)(s64)(narrow >> (b & 31));
        mix += (u64)(s64)(s8)(u8)(w >> 8) << 3;
        mix = mix * 0x100000001b3ull ^ (u64)(s64)(s16)(u16)w;
    }
    for (u64 i = 0; i < len; i++) {
        s64 v = (s8)buf[i];
        acc = (acc >> 1) + v * 5;
    }
    return (u64)acc ^ mix;
}
