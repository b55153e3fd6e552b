/* patch_stub.h: the resident patch stub. It installs packages that arrived over the serial link into a
 * RAM bank of their hook, runs the active patch when the firmware reaches a hook point, and detaches a
 * patch that faults. docs/cortex-m.md describes it. */
#ifndef PATCH_STUB_H
#define PATCH_STUB_H

#include <stdint.h>

#include "fw_env.h"
#include "serial_link.h"

enum stub_hook { HOOK_PARSE_PACKET, HOOK_CALIBRATE, HOOK_COUNT };

/* The board's limits (boards/mps2-an386/board.json). */
enum {
    STUB_BUDGET = 10000,
    STUB_FAULT_THRESHOLD = 3,
    STUB_CODE_BYTES = 4096,   /* per bank */
    STUB_MAP_BYTES = 1024,    /* per bank */
    STUB_STACK_BYTES = 8192,  /* native stack a patch may ask for */
};

/* Hashes the firmware image (its build id) once at boot. */
void stub_init(void);

/* serial_link's installer: checks a package that arrived whole and installs it, or says why not. */
int stub_install(const uint8_t *package, uint32_t length, char reason[LINK_REASON_MAX]);

/* Runs the patch on `hook` with eBPF r1..r3 (r1 the context, r2 and r3 the hook's arguments) and the memory the hook grants (`regions`). Returns 1
 * when the patch decided the hooked function's result (*result), 0 when the original continues. */
int stub_run(enum stub_hook hook, const struct fw_region *regions, uint32_t region_count, uint32_t r1, uint32_t r2, uint32_t r3, int32_t *result);

/* Whether [address, address + size) is guest memory the running patch may access with `rights`: one of
 * its regions, or its own stack frame. Helpers check every guest pointer with it. */
int stub_guest_memory(uint32_t address, uint32_t size, uint32_t rights);

/* The map a patch passed to a helper, or 0 if the pointer is not one of the running patch's maps. */
struct stub_map *stub_map(uint32_t pointer);

struct stub_map {
    uint32_t key_size, value_size, max_entries;
    uint8_t *values;
};

/* Stub counters for the Counters reply; returns the new payload length as link_counter does. */
uint32_t stub_counters(uint8_t *payload, uint32_t length, uint32_t capacity);

#endif
