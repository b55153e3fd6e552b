// expect: safe
#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, u32);
    __type(value, u64);
} counts SEC(".maps");

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 key = len > 0 ? buf[0] & 15 : 0;
    u64 *count = bpf_map_lookup_elem(&counts, &key);
    if (!count) {
        u64 one = 1;
        bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
        return 1;
    }
    *count += 1;
    return *count;
}
