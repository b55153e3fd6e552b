/* Atomic read-modify-write on globals (.bss, .data) and on the stack: add, or, and, xor with and
 * without fetch, exchange and compare-exchange, 64- and 32-bit. */
#include "corpus.h"

u64 total64;
u32 total32;
u32 flags32 = 0x12345678;

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 local = 0x0f0f0f0f0f0f0f0full;
    u64 acc = 0;
    for (u64 i = 0; i + 8 <= len; i += 8) {
        u64 v = *(u64 *)(buf + i);
        __sync_fetch_and_add(&total64, v);
        acc += __sync_fetch_and_add(&total32, (u32)v);
        acc ^= __sync_fetch_and_or(&local, v & 0xff00);
        acc += __sync_fetch_and_and(&flags32, (u32)v | 0xf0f0f0f0u);
        acc ^= __sync_fetch_and_xor(&local, v >> 8);
        acc += __sync_lock_test_and_set(&flags32, (u32)(v >> 32) | 1);
        acc ^= __sync_val_compare_and_swap(&local, v, acc);
        acc += __sync_val_compare_and_swap(&total32, (u32)v, 5);
        __sync_fetch_and_xor(&total64, acc);
    }
    return acc ^ total64 ^ (u64)total32 << 32 ^ local ^ flags32;
}
