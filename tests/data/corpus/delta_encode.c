/* In-place delta encoding of the buffer (each byte replaced by its difference from the previous one,
 * back to front), then zigzag encoding of the signed deltas; returns the sum of absolute deltas. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 magnitude = 0;
    for (u64 i = len; i > 1; i--) {
        s8 delta = (s8)(u8)(buf[i - 1] - buf[i - 2]);
        magnitude += delta < 0 ? (u64)-(s64)delta : (u64)delta;
        buf[i - 1] = (u8)((u8)delta << 1) ^ (u8)(delta >> 7);
    }
    return magnitude;
}
