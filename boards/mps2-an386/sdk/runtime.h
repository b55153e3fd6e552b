/*
 * Routines generated Thumb-2 code calls through relocations of kind 3 (docs/thumb2-abi.md), with the
 * eBPF (RFC 9669) semantics: no trap on division by zero or overflow.
 */
#ifndef FW_RUNTIME_H
#define FW_RUNTIME_H

#include <stdint.h>

enum fw_runtime_id {
    FW_RUNTIME_UDIV64 = 0,
    FW_RUNTIME_UMOD64 = 1,
    FW_RUNTIME_SDIV64 = 2,
    FW_RUNTIME_SMOD64 = 3,
    FW_RUNTIME_COUNT
};

uint64_t fw_udiv64(uint64_t a, uint64_t b);
uint64_t fw_umod64(uint64_t a, uint64_t b);
uint64_t fw_sdiv64(uint64_t a, uint64_t b);
uint64_t fw_smod64(uint64_t a, uint64_t b);

/* The address (Thumb bit set) a kind 3 relocation with this value resolves to; 0 if unknown. */
uint32_t fw_runtime_routine(uint32_t id);

#endif
