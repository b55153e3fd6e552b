#include "bpf_helpers.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, u32);
    __type(value, u64);
} totals SEC(".maps");

u64 steps; /* .bss */

/* A callback lives in .text; the program refers to it with a lddw of its address. */
static long step(u32 index, void *ctx)
{
    steps++;
    u32 key = 0;
    u64 *total = bpf_map_lookup_elem(&totals, &key);
    if (total)
        *total += index;
    return 0;
}

SEC("hook/loop")
int loop(void *ctx)
{
    bpf_loop(10, step, 0, 0);
    return steps;
}
