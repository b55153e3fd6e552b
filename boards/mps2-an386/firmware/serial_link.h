/* serial_link.h: the device side of the serial protocol (docs/serial-protocol.md): COBS frames with a
 * CRC-32, Hello/Begin/Data/Query/Commit answered in order, one upload at a time stored strictly in order,
 * and ReadCounters answered with the firmware's counters. It never sends first and keeps no timers. */
#ifndef SERIAL_LINK_H
#define SERIAL_LINK_H

#include <stdint.h>

enum link_status {
    LINK_APPLIED = 0,
    LINK_REJECTED = 1,
    LINK_UNKNOWN_UPLOAD = 2,
    LINK_INCOMPLETE = 3,
    LINK_DIGEST_MISMATCH = 4,
    LINK_TOO_LARGE = 5,
    LINK_BAD_REQUEST = 6,
};

enum { LINK_REASON_MAX = 96 };

/* What the link needs from the firmware: installing a complete, digest-checked package (returns
 * LINK_APPLIED or LINK_REJECTED with a reason), and writing its counters into a Counters payload. */
struct link_device {
    const char *id;
    const char *board;
    int (*install)(const uint8_t *package, uint32_t length, char reason[LINK_REASON_MAX]);
    uint32_t (*counters)(uint8_t *payload, uint32_t capacity);
};

void link_init(const struct link_device *device);
/* Reads every byte the UART has waiting and answers each complete request. */
void link_poll(void);
/* Frames dropped as over-long, badly encoded, truncated, corrupt or unknown. */
uint32_t link_bad_frames(void);
/* SysTick cycles the last Commit took, from its frame to the installer's answer (whose last step is the
 * switch of the hook point): the patch delay. */
uint32_t link_commit_ticks(void);

/* Appends one Counters entry (name str8, value s64 LE); returns the new length, or capacity + 1 if it did not fit. */
uint32_t link_counter(uint8_t *payload, uint32_t length, uint32_t capacity, const char *name, int64_t value);

#endif
