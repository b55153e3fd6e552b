/* Loads and stores of every width at every alignment within 16-byte records: each record is read as
 * u8, u16, u32 and u64 fields, then rewritten with the fields permuted and stored at other widths. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = 0;
    for (u64 i = 0; i + 16 <= len; i += 16) {
        u8 *r = buf + i;
        u8 b0 = r[0], b15 = r[15];
        u16 h1 = *(u16 *)(r + 1);
        u32 w3 = *(u32 *)(r + 3);
        u64 q7 = *(u64 *)(r + 7);
        acc += b0 + h1 + w3 + q7;
        *(u64 *)(r + 8) = (u64)w3 << 32 | (u64)h1 << 16 | b0;
        *(u32 *)(r + 4) = (u32)(q7 >> 16);
        *(u16 *)(r + 2) = (u16)(q7 ^ b15);
        r[1] = (u8)(w3 >> 24);
        r[0] = b15;
        acc ^= *(u64 *)r;
    }
    /* The tail, shorter than a record: narrower stores only. */
    u64 i = len & ~15ull;
    if (i + 8 <= len) { *(u32 *)(buf + i + 4) ^= 0xa5a5a5a5; i += 8; }
    if (i + 4 <= len) { *(u16 *)(buf + i) = (u16)acc; i += 4; }
    for (; i < len; i++) buf[i] = (u8)(buf[i] + i);
    return acc;
}
