/* The sample firmware: a small sensor gateway with two bugs a hotpatch fixes (see sensor_gateway.h).
 * Built as a shared library: gcc -O2 -fPIC -shared -pthread sensor_gateway.c -o libsensor_gateway.so
 * Built bare-metal (boards/mps2-an386) with -DFW_BARE_METAL: one thread, no pthreads, and the hookable
 * functions call the board's fixed hook points at their entry instead of being patched in place. */
#include "sensor_gateway.h"

#include <stdatomic.h>
#include <string.h>

#ifdef FW_BARE_METAL
#include "hook_points.h"
#define FW_THREAD_LOCAL
#else
#include <pthread.h>
#define FW_THREAD_LOCAL _Thread_local
#endif

#define PAYLOAD_MAX 32
#define HEADER_BYTES 2
#define CANARY 0x5afec0deu
#define MAX_THREADS 16

/* Each thread parses into its own slot. The guard after the canary absorbs the overrun (a length byte
 * can claim at most 255 bytes), so the bug is observable through the canary instead of corrupting
 * whatever lies next in memory. */
struct packet_slot {
    uint8_t type;
    uint8_t payload[PAYLOAD_MAX];
    uint32_t canary;
    uint8_t guard[256];
};

static FW_THREAD_LOCAL struct packet_slot slot;

static atomic_uint_fast64_t packets, accepted, malformed, overruns, calibrations;
static atomic_int_fast64_t last_reading;

/* noinline and used: the hooks patch these functions' entries, so each must exist as one function. */
__attribute__((noinline, used)) int32_t fw_parse_packet(const uint8_t *pkt, uint32_t len)
{
    atomic_fetch_add(&packets, 1);
#ifdef FW_BARE_METAL
    int32_t patched;
    if (fw_hook_parse_packet(pkt, len, &patched)) {
        if (patched < 0)
            atomic_fetch_add(&malformed, 1);
        return patched;
    }
#endif
    if (len < HEADER_BYTES) {
        atomic_fetch_add(&malformed, 1);
        return -1;
    }
    uint8_t declared = pkt[1];
    slot.canary = CANARY;
    slot.type = pkt[0];
    /* The bug: `declared` is copied as the packet claims, not bounded by len or PAYLOAD_MAX. */
    memcpy(slot.payload, pkt + HEADER_BYTES, declared);
    if (slot.canary != CANARY) {
        atomic_fetch_add(&overruns, 1);
        return -2;
    }
    atomic_fetch_add(&accepted, 1);
    return declared;
}

__attribute__((noinline, used)) int32_t fw_calibrate(int32_t raw)
{
    atomic_fetch_add(&calibrations, 1);
#ifdef FW_BARE_METAL
    int32_t patched;
    if (fw_hook_calibrate(raw, &patched)) {
        atomic_store(&last_reading, patched);
        return patched;
    }
#endif
    int32_t tenths = raw * 5 / 8; /* the bug: the datasheet's -400 offset is missing */
    atomic_store(&last_reading, tenths);
    return tenths;
}

void fw_counters(struct fw_counters *out)
{
    out->packets = atomic_load(&packets);
    out->accepted = atomic_load(&accepted);
    out->malformed = atomic_load(&malformed);
    out->overruns = atomic_load(&overruns);
    out->calibrations = atomic_load(&calibrations);
    out->last_reading = atomic_load(&last_reading);
}

void fw_reset_counters(void)
{
    atomic_store(&packets, 0);
    atomic_store(&accepted, 0);
    atomic_store(&malformed, 0);
    atomic_store(&overruns, 0);
    atomic_store(&calibrations, 0);
    atomic_store(&last_reading, 0);
}

/* The packet stream: a buffer as large as any packet can claim (so even a lying length byte reads
 * inside it), filled from a per-thread xorshift generator. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

void fw_traffic_step(uint64_t *state, uint64_t n, int malicious_every)
{
    uint8_t packet[HEADER_BYTES + 256];
    uint32_t payload = next_random(state) % (PAYLOAD_MAX + 1);
    for (uint32_t i = 0; i < HEADER_BYTES + payload; i++)
        packet[i] = (uint8_t)next_random(state);
    packet[1] = (uint8_t)payload;
    if (malicious_every > 0 && n % (uint64_t)malicious_every == 0)
        packet[1] = 200; /* claims 200 bytes, carries at most 32 */
    fw_parse_packet(packet, HEADER_BYTES + payload);
    fw_calibrate((int32_t)(next_random(state) % 4096));
}

#ifndef FW_BARE_METAL
struct worker {
    pthread_t thread;
    uint64_t seed;
    int malicious_every;
};

static struct worker workers[MAX_THREADS];
static int worker_count;
static atomic_bool running;

static void *worker_main(void *arg)
{
    struct worker *self = arg;
    uint64_t state = self->seed;
    for (uint64_t n = 1; atomic_load_explicit(&running, memory_order_relaxed); n++)
        fw_traffic_step(&state, n, self->malicious_every);
    return NULL;
}

int fw_start(int threads, int malicious_every)
{
    if (threads < 1 || threads > MAX_THREADS || atomic_exchange(&running, 1))
        return -1;
    for (worker_count = 0; worker_count < threads; worker_count++) {
        workers[worker_count].seed = 0x9e3779b97f4a7c15ull * (uint64_t)(worker_count + 1);
        workers[worker_count].malicious_every = malicious_every;
        if (pthread_create(&workers[worker_count].thread, NULL, worker_main, &workers[worker_count]) != 0) {
            fw_stop();
            return -1;
        }
    }
    return 0;
}

void fw_stop(void)
{
    atomic_store(&running, 0);
    for (int i = 0; i < worker_count; i++)
        pthread_join(workers[i].thread, NULL);
    worker_count = 0;
}
#endif
