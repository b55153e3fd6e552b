// hook: parse_packet kind: observe
/* Counts packets and bytes handed to fw_parse_packet, without changing what it does; the host reads
 * the counts from the map. */
#include <fwpatch.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, u32);
    __type(value, u64);
} packet_stats SEC(".maps");

#define PACKETS 0
#define BYTES 1

static void add(u32 key, u64 amount)
{
    u64 *value = bpf_map_lookup_elem(&packet_stats, &key);
    if (value)
        __sync_fetch_and_add(value, amount);
}

SEC("fw/parse_packet")
u64 parse_packet_count(struct fw_parse_packet_ctx *ctx)
{
    add(PACKETS, 1);
    add(BYTES, ctx->len);
    return 0;
}
