// expect: unsafe: pointer leak
#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, u32);
    __type(value, u64);
} values SEC(".maps");

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 key = 0;
    u64 *value = bpf_map_lookup_elem(&values, &key);
    if (!value)
        return 0;
    *value = (u64)buf;
    return len;
}
