/* Base64 encoding with the alphabet in .rodata, into a stack buffer flushed (hashed) every 64 output
 * characters; the last group is padded with '='. */
#include "corpus.h"

static const char alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static NOINLINE u64 flush(const u8 *out, u64 n, u64 hash)
{
    for (u64 i = 0; i < n && i < 64; i++)
        hash = (hash ^ out[i]) * 0x100000001b3ull;
    return hash;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 out[64];
    u64 used = 0, hash = 0xcbf29ce484222325ull, total = 0;
    u64 i = 0;
    for (; i + 3 <= len; i += 3) {
        u32 group = (u32)buf[i] << 16 | (u32)buf[i + 1] << 8 | buf[i + 2];
        out[used] = alphabet[group >> 18];
        out[used + 1] = alphabet[(group >> 12) & 63];
        out[used + 2] = alphabet[(group >> 6) & 63];
        out[used + 3] = alphabet[group & 63];
        used += 4;
        if (used == 64) {
            hash = flush(out, used, hash);
            total += used;
            used = 0;
        }
    }
    if (i < len) {
        u32 group = (u32)buf[i] << 16 | (i + 1 < len ? (u32)buf[i + 1] << 8 : 0);
        out[used] = alphabet[group >> 18];
        out[used + 1] = alphabet[(group >> 12) & 63];
        out[used + 2] = i + 1 < len ? alphabet[(group >> 6) & 63] : '=';
        out[used + 3] = '=';
        used += 4;
    }
    hash = flush(out, used, hash);
    return hash ^ (total + used);
}
