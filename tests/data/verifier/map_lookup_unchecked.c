// expect: unsafe: which may be null
#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, u32);
    __type(value, u64);
} values SEC(".maps");

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 key = 1;
    u64 *value = bpf_map_lookup_elem(&values, &key);
    return *value + len;
}
