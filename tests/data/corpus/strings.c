/* strlen/strcmp/strchr-like loops over the NUL-separated strings of the buffer: the number of strings,
 * the longest, how many are in ascending order relative to their predecessor, and the first ':' offsets. */
#include "corpus.h"

static NOINLINE u64 str_len(const u8 *s, u64 max)
{
    u64 n = 0;
    while (n < max && s[n] != 0)
        n++;
    return n;
}

/* strcmp with explicit lengths: a string ends at its NUL or at its length. */
static NOINLINE s32 str_cmp(const u8 *a, u64 alen, const u8 *b, u64 blen)
{
    for (u64 i = 0;; i++) {
        u8 ca = i < alen ? a[i] : 0;
        u8 cb = i < blen ? b[i] : 0;
        if (ca != cb) return (s32)ca - (s32)cb;
        if (ca == 0) return 0;
    }
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 strings = 0, longest = 0, ascending = 0, equal = 0, colons = 0;
    u64 prev = 0, prev_len = 0;
    for (u64 start = 0; start < len && strings < 256;) {
        u64 n = str_len(buf + start, len - start);
        if (strings > 0) {
            s32 order = str_cmp(buf + prev, prev_len, buf + start, n);
            if (order < 0) ascending++;
            else if (order == 0) equal++;
        }
        for (u64 k = 0; k < n; k++)
            if (buf[start + k] == ':') { colons += k; break; }
        if (n > longest) longest = n;
        prev = start;
        prev_len = n;
        strings++;
        start += n + 1;
    }
    return strings << 48 ^ longest << 32 ^ ascending << 20 ^ equal << 12 ^ colons;
}
