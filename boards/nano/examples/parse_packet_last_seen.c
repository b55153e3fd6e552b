// hook: parse_packet kind: observe
/* Records when the last packet arrived, in the board's own clock (the nano board's fw_uptime_ms
 * helper), so a watchdog on the host can tell a silent link from an idle one. */
#include <fwpatch.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, u32);
    __type(value, u64);
} last_packet_ms SEC(".maps");

SEC("fw/parse_packet")
u64 parse_packet_last_seen(struct fw_parse_packet_ctx *ctx)
{
    u32 key = 0;
    u64 now = fw_uptime_ms();
    bpf_map_update_elem(&last_packet_ms, &key, &now, BPF_ANY);
    return 0;
}
