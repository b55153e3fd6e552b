#include "runtime.h"

uint64_t fw_udiv64(uint64_t a, uint64_t b)
{
    return b == 0 ? 0 : a / b;
}

uint64_t fw_umod64(uint64_t a, uint64_t b)
{
    return b == 0 ? a : a % b;
}

/* INT64_MIN / -1 overflows in C; eBPF defines it as the negation, which wraps back to INT64_MIN. */
uint64_t fw_sdiv64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return 0;
    if ((int64_t)b == -1)
        return 0 - a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}

uint64_t fw_smod64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if ((int64_t)b == -1)
        return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}

static uint64_t (*const routines[FW_RUNTIME_COUNT])(uint64_t, uint64_t) = {
    [FW_RUNTIME_UDIV64] = fw_udiv64,
    [FW_RUNTIME_UMOD64] = fw_umod64,
    [FW_RUNTIME_SDIV64] = fw_sdiv64,
    [FW_RUNTIME_SMOD64] = fw_smod64,
};

uint32_t fw_runtime_routine(uint32_t id)
{
    /* Function pointers already carry the Thumb bit. */
    return id < FW_RUNTIME_COUNT ? (uint32_t)routines[id] : 0;
}
