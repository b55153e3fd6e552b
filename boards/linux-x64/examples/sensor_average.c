// hook: calibrate kind: container
/* A sensor filter deployed as a container (docs/containers.md). On every reading fw_calibrate gets (raw
 * ADC counts, read through the hook's context) it updates a moving average kept in its map, and counts
 * an anomaly when a reading is more than ANOMALY counts away from it; it publishes an anomaly at most
 * every REPORT_NS, so its telemetry budget is left for the summary a timer publishes every second. It
 * only observes: the firmware's calibration still runs. */
#include <fwpatch.h>

#define ANOMALY 1800
#define REPORT_NS 250000000ULL
#define ANOMALY_MESSAGE 1
#define SUMMARY_MESSAGE 2

struct stats {
    s64 average_x16; /* the moving average times 16: each reading weighs 1/16 */
    u64 samples;
    u64 anomalies;
    u64 reported_ns; /* when the last anomaly was published */
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, u32);
    __type(value, struct stats);
} sensor_stats SEC(".maps");

struct message {
    u32 kind;
    s32 value;   /* the reading (anomaly) or the average (summary) */
    s64 average; /* the average the reading was compared with (anomaly) or the anomaly count (summary) */
    u64 samples;
};

static struct stats *stats(void)
{
    u32 key = 0;
    return bpf_map_lookup_elem(&sensor_stats, &key);
}

SEC("fw/calibrate")
u64 sample(struct fw_calibrate_ctx *ctx)
{
    struct stats *s = stats();
    if (!s)
        return FW_CONTINUE;
    s64 raw = ctx->raw;
    if (s->samples == 0)
        s->average_x16 = raw * 16;
    s64 average = s->average_x16 >> 4;
    s->average_x16 += raw - average;
    __sync_fetch_and_add(&s->samples, 1);
    s64 distance = raw > average ? raw - average : average - raw;
    if (distance > ANOMALY) {
        __sync_fetch_and_add(&s->anomalies, 1);
        u64 now = bpf_ktime_get_ns();
        if (now - s->reported_ns >= REPORT_NS) {
            s->reported_ns = now;
            struct message m = {ANOMALY_MESSAGE, (s32)raw, average, s->samples};
            fw_publish(&m, sizeof(m));
        }
    }
    return FW_CONTINUE;
}

SEC("timer/1000")
u64 summary(struct fw_timer_ctx *ctx)
{
    struct stats *s = stats();
    if (!s)
        return 0;
    struct message m = {SUMMARY_MESSAGE, (s32)(s->average_x16 >> 4), (s64)s->anomalies, s->samples};
    fw_publish(&m, sizeof(m));
    return 0;
}
