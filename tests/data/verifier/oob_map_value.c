// expect: unsafe: outside the 8-byte value of map 'values'
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
    u8 *value = bpf_map_lookup_elem(&values, &key);
    if (!value || len == 0)
        return 0;
    return value[buf[0] & 15];
}
