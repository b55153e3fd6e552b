#include "bpf_helpers.h"

/* Per-CPU arrays (kernel map type 6) have no equivalent on a device. */
struct {
    __uint(type, 6);
    __uint(max_entries, 4);
    __type(key, u32);
    __type(value, u64);
} per_cpu SEC(".maps");

SEC("hook/unsupported")
int use_per_cpu(void *ctx)
{
    u32 key = 0;
    return bpf_map_lookup_elem(&per_cpu, &key) != 0;
}
