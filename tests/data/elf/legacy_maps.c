#include "bpf_helpers.h"

struct bpf_map_def SEC("maps") table = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = 4,
    .value_size = 16,
    .max_entries = 64,
    .map_flags = 0,
};

struct bpf_map_def SEC("maps") slots = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = 4,
    .value_size = 8,
    .max_entries = 32,
};

SEC("hook/legacy")
int use_legacy(void *ctx)
{
    u32 key = 1;
    u64 *slot = bpf_map_lookup_elem(&slots, &key);
    void *entry = bpf_map_lookup_elem(&table, &key);
    return (slot ? 1 : 0) + (entry ? 2 : 0);
}
