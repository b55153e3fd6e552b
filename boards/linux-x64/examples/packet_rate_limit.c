// hook: parse_packet kind: container
/* A rate limiter on the packet path, deployed as a container (docs/containers.md): at most `limit`
 * packets in each 100 ms window reach the firmware's parser; the others are refused with -1 (the
 * firmware's "malformed") before it sees them. The limit starts at 0 (no limit) and is set by a message
 * on the container's input topic: 4 bytes, little-endian. Every second it publishes what it dropped. */
#include <fwpatch.h>

#define WINDOW_NS 100000000ULL
#define MALFORMED (-1)

struct limiter {
    u64 limit; /* packets per window; 0: no limit */
    u64 window_start;
    u64 in_window;
    u64 dropped;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, u32);
    __type(value, struct limiter);
} limiter SEC(".maps");

static struct limiter *state(void)
{
    u32 key = 0;
    return bpf_map_lookup_elem(&limiter, &key);
}

SEC("fw/parse_packet")
u64 limit_packets(struct fw_parse_packet_ctx *ctx)
{
    struct limiter *l = state();
    if (!l || l->limit == 0)
        return FW_CONTINUE;
    u64 now = bpf_ktime_get_ns();
    if (now - l->window_start >= WINDOW_NS) {
        l->window_start = now;
        l->in_window = 0;
    }
    if (__sync_fetch_and_add(&l->in_window, 1) < l->limit)
        return FW_CONTINUE;
    __sync_fetch_and_add(&l->dropped, 1);
    return FW_RETURN(MALFORMED);
}

SEC("message")
u64 configure(struct fw_message_ctx *ctx, const u8 *data, u64 len)
{
    struct limiter *l = state();
    if (!l || len < 4)
        return 0;
    l->limit = data[0] | (u32)data[1] << 8 | (u32)data[2] << 16 | (u32)data[3] << 24;
    return 0;
}

SEC("timer/1000")
u64 report(struct fw_timer_ctx *ctx)
{
    struct limiter *l = state();
    if (!l)
        return 0;
    u64 counts[2] = {l->limit, l->dropped};
    fw_publish(counts, sizeof(counts));
    return 0;
}
