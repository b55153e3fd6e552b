/* Benchmark: bubble sort of 128 u32 in place at the start of the buffer (memory writes). */
#include "corpus.h"

#define COUNT 128

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    if (len < COUNT * 4) return 0;
    u32 *a = (u32 *)buf;
    for (u32 i = 0; i < COUNT - 1; i++)
        for (u32 j = 0; j < COUNT - 1 - i; j++)
            if (a[j] > a[j + 1]) {
                u32 t = a[j];
                a[j] = a[j + 1];
                a[j + 1] = t;
            }
    return (u64)a[0] << 32 | a[COUNT - 1];
}
