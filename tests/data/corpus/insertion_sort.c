/* Insertion sort of the buffer's s16 values in place (signed order, at most 300 of them). Returns the
 * number of moves and a position-weighted sum, which only a correctly sorted array reproduces. */
#include "corpus.h"

#define MAX_VALUES 300

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 n = len / 2;
    if (n > MAX_VALUES) n = MAX_VALUES;
    s16 *values = (s16 *)buf;
    u64 moves = 0;
    for (u64 i = 1; i < n; i++) {
        s16 key = values[i];
        u64 j = i;
        while (j > 0 && values[j - 1] > key) {
            values[j] = values[j - 1];
            j--;
            moves++;
        }
        values[j] = key;
    }
    s64 weighted = 0;
    for (u64 i = 0; i < n; i++)
        weighted += (s64)values[i] * (s64)(i + 1);
    return moves << 48 ^ (u64)weighted;
}
