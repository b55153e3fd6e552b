/* A type-length-value protocol parser: each record is a type byte, a length byte and the value.
 * A switch on the type decodes big-endian integers, strings and nested counts, checks a record
 * checksum and stops at an end marker; a record running past the buffer is a framing error. */
#include "corpus.h"

enum { T_PAD, T_U16, T_U32, T_U64, T_TEXT, T_GROUP, T_CHECK, T_END };

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 fields = 0, value = 0, text = 0, groups = 0, bad = 0;
    u64 i = 0;
    while (i + 2 <= len) {
        u8 type = buf[i] & 7, size = buf[i + 1];
        if (type == T_PAD) { i++; continue; }
        if (i + 2 + size > len) { bad |= 1; break; }
        u8 *v = buf + i + 2;
        switch (type) {
        case T_U16:
            if (size < 2) { bad |= 2; break; }
            value += __builtin_bswap16(*(u16 *)v);
            fields++;
            break;
        case T_U32:
            if (size < 4) { bad |= 4; break; }
            value ^= __builtin_bswap32(*(u32 *)v);
            fields++;
            break;
        case T_U64:
            if (size < 8) { bad |= 8; break; }
            value = value * 3 + __builtin_bswap64(*(u64 *)v);
            fields++;
            break;
        case T_TEXT:
            for (u8 k = 0; k < size; k++) {
                if (v[k] == 0) break;
                text = (text ^ v[k]) * 0x100000001b3ull;
            }
            break;
        case T_GROUP:
            groups += size;
            break;
        case T_CHECK: {
            u8 sum = 0;
            for (u8 k = 0; k < size; k++) sum += v[k];
            if (sum != 0) bad |= 16;
            break;
        }
        case T_END:
            return fields << 56 ^ groups << 40 ^ value ^ text ^ bad << 32 ^ i;
        }
        i += 2 + size;
    }
    return fields << 56 ^ groups << 40 ^ value ^ text ^ bad << 32 ^ i ^ 0xdead;
}
