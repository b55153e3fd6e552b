/* An array map as a histogram of byte values (16 buckets, atomically incremented through the value
 * pointer lookup returns), persisting across runs. Also folds in what the array refuses: a key past
 * the end (lookup gives NULL, update -E2BIG), NOEXIST (-EEXIST) and delete (-EINVAL). */
#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, u32);
    __type(value, u64);
} histogram SEC(".maps");

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 misses = 0;
    for (u64 i = 0; i < len; i++) {
        u32 key = buf[i] % 17; /* 16 is past the end */
        u64 *count = bpf_map_lookup_elem(&histogram, &key);
        if (count) __sync_fetch_and_add(count, 1);
        else misses++;
    }
    u32 key = 3, past = 16;
    u64 value = len;
    s64 codes = bpf_map_update_elem(&histogram, &key, &value, BPF_NOEXIST) * 1000000;
    codes += bpf_map_update_elem(&histogram, &past, &value, BPF_ANY) * 10000;
    codes += bpf_map_delete_elem(&histogram, &key) * 100;
    codes += bpf_map_update_elem(&histogram, &key, &value, 7);

    u64 acc = 0;
    for (u32 k = 0; k < 16; k++) {
        u64 *count = bpf_map_lookup_elem(&histogram, &k);
        if (count) acc = acc * 1000003 + *count;
    }
    key = 15;
    value = acc & 0xff;
    codes += bpf_map_update_elem(&histogram, &key, &value, BPF_EXIST);
    return acc ^ misses << 40 ^ (u64)codes;
}
