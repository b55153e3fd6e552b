/* 32-bit conditions (JMP32): signed and unsigned comparisons of 32-bit values, equality and bit tests,
 * on words from the buffer; the 64-bit upper halves must not influence them. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 counts[10] = {0};
    for (u64 i = 0; i + 8 <= len; i += 8) {
        u32 a = *(u32 *)(buf + i), b = *(u32 *)(buf + i + 4);
        s32 sa = (s32)a, sb = (s32)b;
        if (a < b) counts[0]++;
        if (sa < sb) counts[1]++;
        if (a >= 0x80000000u) counts[2]++;
        if (sa > -1000) counts[3]++;
        if (sa <= sb) counts[4]++;
        if (a == (b ^ 0xff)) counts[5]++;
        if (a & 0x10000) counts[6]++;
        if ((s32)(a << 3) >= (s32)(b >> 5)) counts[7]++;
        if ((u32)(a + b) > a) counts[8]++;
        if (sa != 7 && sb < 100) counts[9]++;
    }
    u64 acc = 0;
    for (int k = 0; k < 10; k++)
        acc = acc * 521 + counts[k];
    return acc;
}
