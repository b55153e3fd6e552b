/* Bubble sort of the buffer's u32 words in place (at most 256 of them), stopping early once a pass
 * swaps nothing. Returns the swap count and the smallest and largest word. */
#include "corpus.h"

#define MAX_WORDS 256

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 n = len / 4;
    if (n > MAX_WORDS) n = MAX_WORDS;
    u32 *words = (u32 *)buf;
    u64 swaps = 0;
    for (u64 pass = 0; pass + 1 < n; pass++) {
        int swapped = 0;
        for (u64 j = 0; j + 1 < n - pass; j++) {
            u32 a = words[j], b = words[j + 1];
            if (a > b) {
                words[j] = b;
                words[j + 1] = a;
                swaps++;
                swapped = 1;
            }
        }
        if (!swapped) break;
    }
    if (n == 0) return swaps;
    return swaps << 40 ^ (u64)words[0] << 20 ^ words[n - 1];
}
