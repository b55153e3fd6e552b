/* helpers.c: the board's helpers, with kernel numbering. Each checks its guest pointers against the
 * running patch's memory and sets env->fault = FW_FAULT_HELPER (through the stub) when one is bad. */
#include "helpers.h"

#include "fw_env.h"
#include "patch_stub.h"

#include <string.h>

extern struct fw_env *stub_current_env;

static uint64_t reject(uint32_t address)
{
    stub_current_env->fault = FW_FAULT_HELPER;
    stub_current_env->fault_addr = address;
    return 0;
}

/* The element `key` points at in an array map, or 0 past the end; faults when either pointer is bad. */
static uint8_t *element(uint64_t map_pointer, uint64_t key_pointer, struct stub_map **map)
{
    *map = stub_map((uint32_t)map_pointer);
    if (!*map || map_pointer >> 32)
        return reject((uint32_t)map_pointer), (uint8_t *)0;
    if (key_pointer >> 32 || !stub_guest_memory((uint32_t)key_pointer, 4, FW_READ))
        return reject((uint32_t)key_pointer), (uint8_t *)0;
    uint32_t key;
    memcpy(&key, (const void *)(uint32_t)key_pointer, 4);
    return key < (*map)->max_entries ? (*map)->values + key * (*map)->value_size : 0;
}

/* 1: void *map_lookup_elem(map, key) */
static uint64_t map_lookup_elem(uint64_t map_pointer, uint64_t key, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct stub_map *map;
    return (uint32_t)element(map_pointer, key, &map);
}

/* 2: long map_update_elem(map, key, value, flags): arrays have every element, so BPF_NOEXIST fails. */
static uint64_t map_update_elem(uint64_t map_pointer, uint64_t key, uint64_t value, uint64_t flags, uint64_t a5)
{
    (void)a5;
    enum { BPF_NOEXIST = 1, E2BIG = 7, EEXIST = 17, EINVAL = 22 };
    struct stub_map *map;
    uint8_t *slot = element(map_pointer, key, &map);
    if (stub_current_env->fault)
        return 0;
    if (value >> 32 || !stub_guest_memory((uint32_t)value, map->value_size, FW_READ))
        return reject((uint32_t)value);
    if (flags > 2)
        return (uint64_t)-EINVAL;
    if (!slot)
        return (uint64_t)-E2BIG;
    if (flags == BPF_NOEXIST)
        return (uint64_t)-EEXIST;
    memcpy(slot, (const void *)(uint32_t)value, map->value_size);
    return 0;
}

/* 7: u32 get_prandom_u32(void): xorshift32; patches get no secrets from it. */
static uint64_t get_prandom_u32(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    static uint32_t state = 0x9e3779b9u;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

enum { HELPER_COUNT = 3 };

/* The ABI's struct fw_helper_table, with its entries spelled out; function pointers carry the Thumb bit. */
static const struct {
    uint32_t count;
    struct fw_helper_entry entries[HELPER_COUNT];
} table = {HELPER_COUNT, {
    {1, (uint32_t)map_lookup_elem},
    {2, (uint32_t)map_update_elem},
    {7, (uint32_t)get_prandom_u32},
}};

uint32_t helper_address(uint32_t id)
{
    for (uint32_t i = 0; i < table.count; i++)
        if (table.entries[i].id == id)
            return table.entries[i].address;
    return 0;
}

uint32_t helper_table(void) { return (uint32_t)&table; }
