/* sensor_gateway.h: the sample firmware's interface. The agent hosts the firmware in-process (a shared
 * library built with gcc or aarch64-linux-gnu-gcc) and patches fw_parse_packet and fw_calibrate in place;
 * the boards' hooks name these symbols (boards/<board>/board.json). */
#ifndef SENSOR_GATEWAY_H
#define SENSOR_GATEWAY_H

#include <stdint.h>

/* A packet: [type][payload length][payload...]. Returns the payload length, or -1 for a malformed
 * packet, -2 when the firmware detected that its own packet slot was overrun (its canary changed).
 * BUG (patched by boards/<board>/examples/parse_packet_length_check.c): trusts the length byte. */
int32_t fw_parse_packet(const uint8_t *pkt, uint32_t len);

/* Raw ADC counts to tenths of a degree Celsius. The datasheet: T = raw * 5 / 8 - 400.
 * BUG (patched by calibrate_fix.c): the shipped formula forgets the -400 offset. */
int32_t fw_calibrate(int32_t raw);

/* What the firmware has done since fw_start (or load): read by the agent and the tests. */
struct fw_counters {
    uint64_t packets;       /* fw_parse_packet calls */
    uint64_t accepted;      /* packets parsed */
    uint64_t malformed;     /* packets refused (by the firmware or a patch) */
    uint64_t overruns;      /* packets that tripped the canary: the memory-safety bug happened */
    uint64_t calibrations;  /* fw_calibrate calls */
    int64_t last_reading;   /* the last calibrated value */
};

void fw_counters(struct fw_counters *out);
void fw_reset_counters(void);

/* One step of the sample traffic: a packet from the generator `state` (every `malicious_every`-th, by the
 * step number `n`, claims more payload than it carries) to fw_parse_packet, then a reading to fw_calibrate. */
void fw_traffic_step(uint64_t *state, uint64_t n, int malicious_every);

/* The main loop (hosted builds): `threads` workers each process packets from a deterministic stream in which every
 * `malicious_every`-th packet (0: none) claims more payload than it carries, and calibrate a reading
 * per packet. Returns 0, or -1 if it is already running or a thread could not start. */
int fw_start(int threads, int malicious_every);
/* Stops the workers and waits for them. */
void fw_stop(void);

#endif
