/* main.c: the mps2-an386 sample firmware. The sensor gateway (boards/firmware/sensor_gateway.c, the same
 * source the Linux boards host) processes sample traffic in which every MALICIOUS_EVERY-th packet claims
 * more payload than it carries, and calibrates a reading per packet; between packets the resident patch
 * stub serves the serial link (uploads, and the counters below). */
#include "patch_stub.h"
#include "sensor_gateway.h"
#include "serial_link.h"
#include "systick.h"
#include "uart.h"

/* The scenario is a build parameter (CortexFirmware passes `fwctl board test`'s): every how-many packets
 * is malicious, and which raw readings ReadCounters calibrates through the hook as `calibrate(RAW)`. */
#ifndef FW_MALICIOUS_EVERY
#define FW_MALICIOUS_EVERY 8
#endif
#ifndef FW_PROBE_READINGS
#define FW_PROBE_READINGS 0, 640, 2048, 4095
#endif

static const int32_t probes[] = {FW_PROBE_READINGS};

static uint32_t counters(uint8_t *payload, uint32_t capacity)
{
    struct fw_counters c;
    fw_counters(&c);
    uint32_t length = 0;
    length = link_counter(payload, length, capacity, "packets", (int64_t)c.packets);
    length = link_counter(payload, length, capacity, "accepted", (int64_t)c.accepted);
    length = link_counter(payload, length, capacity, "malformed", (int64_t)c.malformed);
    length = link_counter(payload, length, capacity, "overruns", (int64_t)c.overruns);
    length = link_counter(payload, length, capacity, "calibrations", (int64_t)c.calibrations);
    length = link_counter(payload, length, capacity, "last_reading", c.last_reading);
    length = link_counter(payload, length, capacity, "bad_frames", link_bad_frames());
    length = link_counter(payload, length, capacity, "commit_ticks", link_commit_ticks());
    length = stub_counters(payload, length, capacity);
    for (uint32_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        char name[24] = "calibrate(";
        uint32_t n = 10;
        int32_t raw = probes[i];
        if (raw < 0)
            name[n++] = '-', raw = -raw;
        char digits[11];
        int d = 0;
        do
            digits[d++] = (char)('0' + raw % 10);
        while ((raw /= 10) > 0);
        while (d > 0)
            name[n++] = digits[--d];
        name[n++] = ')';
        name[n] = 0;
        length = link_counter(payload, length, capacity, name, fw_calibrate(probes[i]));
    }
    return length <= capacity ? length : 0;
}

static const struct link_device device = {
    .id = "mps2-an386-0001",
    .board = "mps2-an386",
    .install = stub_install,
    .counters = counters,
};

int main(void)
{
    uart_init();
    systick_start();
    stub_init();
    link_init(&device);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (uint64_t n = 1;; n++) {
        link_poll();
        fw_traffic_step(&state, n, FW_MALICIOUS_EVERY);
    }
}
