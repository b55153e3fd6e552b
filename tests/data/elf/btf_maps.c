#include "bpf_helpers.h"

struct point { u32 x; u32 y; u64 stamp; };

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, u32);
    __type(value, u64);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, u64);
    __type(value, struct point);
} points SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 128);
    __uint(key_size, 8);
    __uint(value_size, 12);
} recent SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("hook/maps")
int use_maps(void *ctx)
{
    u32 key = 3;
    u64 *count = bpf_map_lookup_elem(&counters, &key);
    if (count)
        __sync_fetch_and_add(count, 1);
    u64 id = 7;
    struct point *p = bpf_map_lookup_elem(&points, &id);
    if (p)
        p->x++;
    u64 rkey = 1;
    bpf_map_delete_elem(&recent, &rkey);
    bpf_ringbuf_output(&events, &key, sizeof(key), 0);
    return 0;
}
