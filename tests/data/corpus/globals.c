/* Global data in all three sections: .data (initialised, written), .bss (zeroed, counting runs) and
 * .rodata (a constant table). Globals persist from run to run, so the result depends on how many
 * runs came before this one, natively and in one program instance alike. */
#include "corpus.h"

u64 seed = 0x9e3779b97f4a7c15ull;     /* .data */
u32 histogram[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
u64 runs;                             /* .bss */
u64 bytes_seen;
const u8 weights[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };  /* .rodata */

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    runs++;
    bytes_seen += len;
    for (u64 i = 0; i < len; i++) {
        histogram[buf[i] & 7] += weights[buf[i] >> 5];
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
    }
    u64 acc = seed;
    for (int k = 0; k < 8; k++)
        acc = acc * 31 + histogram[k];
    return acc ^ runs << 56 ^ bytes_seen;
}
