/*
 * The Thumb-2 test runner: boots once under qemu-system-arm (mps2-an386), then runs the compiled
 * programs the host test sends over UART0 and answers each with its outcome. The framing, the hello
 * and the job/result layouts are described once here and once in RunnerProtocol.cs:
 *
 *   frame:   u32 magic 0x4e555254 ("TRUN"), u32 length, payload[length], u32 FNV-1a of the payload
 *   hello:   (runner -> host, at boot) u32 version, u32 code area, u32 code capacity, u32 arena,
 *            u32 arena size, u32 maps table, u32 store size, u32 helper count, {u32 id, u32 address}*, u32 runtime count,
 *            {u32 address}*
 *   store:   (host -> runner) u32 1, u32 offset, u32 length, bytes, pad to 4: bytes kept in the store, so
 *            that later jobs name them instead of carrying them again (each received byte costs about
 *            60 us under qemu); answered by a result of status 0 alone
 *   job:     u32 0, string code (already relocated for the code area), u32 r1, u32 r2,
 *            u32 budget, u32 stack shift (bytes the call's stack sits lower), u32 repeat (runs, each from the
 *            same blocks and budget; the result is the last run's, the cycles the fewest), u32 region count, {u32 base, u32 size, u32 rights}*, u32 map count,
 *            {u32 type, u32 values, u32 key size, u32 value size, u32 max entries, u32 read only, u32 state}*
 *            (struct runner_map; the state's layout is described at the helpers), u32 block count,
 *            {u32 address, string}* (written into the arena before the run)
 *   string:  u32 length, u32 where: 0xffffffff and the bytes follow, pad to 4; else they are at that store offset
 *   result:  u32 status (0 ran, 1 bad frame, 2 bad job), u32 exception (a fault exception taken by the
 *            code, 0 if none), u32 fault, u32 fault_insn, u32 fault_addr, u32 budget left, u64 r0,
 *            u64 SysTick cycles of the call (the fewest over the repeats), then each block's bytes after the run (pad to 4)
 * All integers little-endian. Words are 4-byte aligned in every payload.
 */
#include <stdint.h>
#include "fw_env.h"
#include "guard.h"
#include "runtime.h"
#include "uart.h"

#define MAGIC 0x4e555254u
#define VERSION 2u
#define MESSAGE_JOB 0u
#define MESSAGE_STORE 1u
#define MAX_REGIONS 16
#define MAX_MAPS 8
#define MAX_BLOCKS (2 * MAX_MAPS + 2) /* the buffer, each map's values and state, the helper table */

static uint8_t rx[1536 * 1024] __attribute__((aligned(8)));
static uint8_t store[384 * 1024] __attribute__((aligned(8)));
static uint8_t code_area[1024 * 1024] __attribute__((aligned(8)));
static uint8_t arena[256 * 1024] __attribute__((aligned(8)));
static uint8_t tx[256 * 1024 + 64] __attribute__((aligned(8)));

/* What helpers get as a map: the host sends these fields, in this order, for each map of a job. */
struct runner_map {
    uint32_t type;
    uint32_t values;
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;
    uint32_t read_only;
    uint32_t state; /* a hash map's nodes or a ring buffer's positions and ring, in the arena; 0 for an array */
};

static struct runner_map maps[MAX_MAPS];
static uint32_t map_count;
static struct fw_region regions[MAX_REGIONS];
static struct fw_env *current;

/* ---- SysTick: a 64-bit count of core clock cycles (24-bit counter plus wraps) ---- */

#define SYST_CSR (*(volatile uint32_t *)0xe000e010u)
#define SYST_RVR (*(volatile uint32_t *)0xe000e014u)
#define SYST_CVR (*(volatile uint32_t *)0xe000e018u)
#define SYST_RELOAD 0xffffffu

static volatile uint32_t systick_wraps;

void fw_systick_handler(void)
{
    systick_wraps++;
}

static uint64_t cycles(void)
{
    uint32_t wraps, value;
    do {
        wraps = systick_wraps;
        value = SYST_CVR;
    } while (wraps != systick_wraps);
    return ((uint64_t)wraps << 24) + (SYST_RELOAD - value);
}

/* ---- guest pointers, as the generated code checks them ---- */

static int guest_allows(uint32_t address, uint32_t size, uint32_t rights)
{
    uint32_t end = address + size;
    if (end < address)
        return 0;
    if (address >= current->stack_base && end <= current->stack_base + current->stack_size)
        return 1;
    for (uint32_t i = 0; i < current->region_count; i++) {
        const struct fw_region *r = &current->regions[i];
        if ((r->rights & rights) == rights && address >= r->base && end - r->base <= r->size)
            return 1;
    }
    return 0;
}

static void helper_fault(uint32_t address)
{
    current->fault = FW_FAULT_HELPER;
    current->fault_addr = address;
}

/* ---- helpers: the ones the conformance suite and the test's program generator call ---- */

/* ---- maps, with the host runtime's semantics (Firmware.Ebpf/Maps) so that values and return codes agree ---- */

#define MAP_HASH 1u
#define MAP_ARRAY 2u
#define MAP_RINGBUF 27u

#define ENOENT 2
#define E2BIG 7
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define EPERM 1

#define BPF_NOEXIST 1u
#define BPF_EXIST 2u

#define ERRNO(e) ((uint64_t)-(int64_t)(e))

/* Values start 8-aligned, as the host's NativeBlock.Stride lays them out. */
static uint32_t stride(uint32_t size)
{
    return (size + 7) & ~7u;
}

/* The map a handle names, or 0 after a helper fault: the host faults on anything not one of the run's handles. */
static struct runner_map *map_from(uint64_t handle)
{
    uint32_t index = (uint32_t)(handle - (uint32_t)maps) / sizeof(struct runner_map);
    if (handle < (uint32_t)maps || index >= map_count || handle != (uint32_t)&maps[index]) {
        helper_fault((uint32_t)handle);
        return 0;
    }
    return &maps[index];
}

/* The guest bytes at address, or 0 after a helper fault if the program may not read them all. */
static const uint8_t *guest_readable(uint64_t address, uint64_t size)
{
    if (address >> 32 || size >> 32 || !guest_allows((uint32_t)address, (uint32_t)size, FW_READ)) {
        helper_fault((uint32_t)address);
        return 0;
    }
    return (const uint8_t *)(uint32_t)address;
}

/*
 * A hash map's nodes, laid out by the host in the arena after the state word: int32 free (first free
 * node, -1 for none), int32 next[max entries] (the free list's links; NODE_USED for a node holding a
 * key), then the keys, key size apart. Nodes are taken from and returned to the front of the free list,
 * as the host's HashTable does, so a key's value sits in the same slot on both.
 */
#define NODE_USED (-2)

static int32_t *hash_free(const struct runner_map *m)
{
    return (int32_t *)m->state;
}

static int32_t *hash_next(const struct runner_map *m)
{
    return (int32_t *)m->state + 1;
}

static uint8_t *hash_key(const struct runner_map *m, int32_t node)
{
    return (uint8_t *)(hash_next(m) + m->max_entries) + (uint32_t)node * m->key_size;
}

static int32_t hash_find(const struct runner_map *m, const uint8_t *key)
{
    for (uint32_t node = 0; node < m->max_entries; node++)
        if (hash_next(m)[node] == NODE_USED && __builtin_memcmp(hash_key(m, node), key, m->key_size) == 0)
            return (int32_t)node;
    return -1;
}

static uint32_t value_at(const struct runner_map *m, uint32_t slot)
{
    return m->values + slot * stride(m->value_size);
}

/* bpf_map_lookup_elem: the value's address, 0 when absent. */
static uint64_t map_lookup(uint64_t map, uint64_t key, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct runner_map *m = map_from(map);
    const uint8_t *k = m ? guest_readable(key, m->key_size) : 0;
    if (!k)
        return 0;
    if (m->type == MAP_ARRAY) {
        uint32_t index = *(const uint32_t *)k;
        return index < m->max_entries ? value_at(m, index) : 0;
    }
    if (m->type == MAP_HASH) {
        int32_t node = hash_find(m, k);
        return node < 0 ? 0 : value_at(m, (uint32_t)node);
    }
    return 0;
}

/* bpf_map_update_elem: 0 or a negative errno; the value is copied as by memmove (it may lie in this map). */
static uint64_t map_update(uint64_t map, uint64_t key, uint64_t value, uint64_t flags, uint64_t a5)
{
    (void)a5;
    struct runner_map *m = map_from(map);
    const uint8_t *k = m ? guest_readable(key, m->key_size) : 0;
    const uint8_t *v = k ? guest_readable(value, m->value_size) : 0;
    if (!v)
        return 0;
    if (m->type == MAP_ARRAY) {
        uint32_t index = *(const uint32_t *)k;
        if (flags > BPF_EXIST)
            return ERRNO(EINVAL);
        if (index >= m->max_entries)
            return ERRNO(E2BIG);
        if (flags == BPF_NOEXIST)
            return ERRNO(EEXIST);
        if (m->read_only)
            return ERRNO(EPERM);
        __builtin_memmove((void *)value_at(m, index), v, m->value_size);
        return 0;
    }
    if (m->type != MAP_HASH || flags > BPF_EXIST)
        return ERRNO(EINVAL);
    int32_t node = hash_find(m, k);
    if (node >= 0 && flags == BPF_NOEXIST)
        return ERRNO(EEXIST);
    if (node < 0) {
        if (flags == BPF_EXIST)
            return ERRNO(ENOENT);
        node = *hash_free(m);
        if (node < 0)
            return ERRNO(E2BIG);
        *hash_free(m) = hash_next(m)[node];
        hash_next(m)[node] = NODE_USED;
        __builtin_memcpy(hash_key(m, node), k, m->key_size);
    }
    __builtin_memmove((void *)value_at(m, (uint32_t)node), v, m->value_size);
    return 0;
}

/* bpf_map_delete_elem: 0 or a negative errno; a deleted node's value stays as it was until the node is reused. */
static uint64_t map_delete(uint64_t map, uint64_t key, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct runner_map *m = map_from(map);
    const uint8_t *k = m ? guest_readable(key, m->key_size) : 0;
    if (!k)
        return 0;
    if (m->type != MAP_HASH)
        return ERRNO(EINVAL);
    int32_t node = hash_find(m, k);
    if (node < 0)
        return ERRNO(ENOENT);
    hash_next(m)[node] = *hash_free(m);
    *hash_free(m) = node;
    return 0;
}

/*
 * bpf_ringbuf_output: appends an 8-byte header holding the length and the data padded to 8, wrapping
 * at the end, as the host's RingBuffer does. The state is u32 producer position, then the ring (max
 * entries bytes, a power of 2). Nobody drains a ring on the board, so the free space is what the
 * producer has not used.
 */
static uint64_t ringbuf_output(uint64_t map, uint64_t data, uint64_t size, uint64_t flags, uint64_t a5)
{
    (void)a5;
    struct runner_map *m = map_from(map);
    const uint8_t *d = m ? guest_readable(data, size) : 0;
    if (!d)
        return 0;
    if (m->type != MAP_RINGBUF || (flags & ~3ull) != 0)
        return ERRNO(EINVAL);
    uint32_t *producer = (uint32_t *)m->state;
    uint8_t *ring = (uint8_t *)(producer + 1);
    uint32_t mask = m->max_entries - 1, record = 8 + stride((uint32_t)size);
    if (record > m->max_entries - *producer)
        return ERRNO(ENOSPC);
    uint32_t header = *producer & mask;
    *(uint32_t *)(ring + header) = (uint32_t)size;
    *(uint32_t *)(ring + header + 4) = 0;
    for (uint32_t i = 0; i < (uint32_t)size; i++)
        ring[(header + 8 + i) & mask] = d[i];
    *producer += record;
    return 0;
}

/* bpf_conformance's helper 5: returns its argument; 0 stops the program. */
static uint64_t conformance_unwind(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    if (a1 == 0)
        current->fault = FW_FAULT_STOP;
    return a1;
}

static uint64_t mix(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return (a1 * 31) ^ (a2 + 7 * a3) ^ (a4 << 3) ^ (a5 * 0x9e3779b97f4a7c15ull);
}

static uint64_t refuse(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a4, (void)a5;
    if ((a3 & 7) == 7)
        helper_fault((uint32_t)a3);
    return a3 ^ 1;
}

static uint64_t unwinding(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a3, (void)a4, (void)a5;
    if ((a2 & 3) == 0)
        current->fault = FW_FAULT_STOP;
    return a2 + 1;
}

static const struct {
    uint32_t id;
    fw_helper_fn fn;
} helpers[] = {
    {1, map_lookup},
    {2, map_update},
    {3, map_delete},
    {5, conformance_unwind},
    {100, mix},
    {101, refuse},
    {102, unwinding},
    {130, ringbuf_output},
};

/* ---- framing ---- */

static uint32_t fnv1a(const uint8_t *data, uint32_t length)
{
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < length; i++)
        hash = (hash ^ data[i]) * 16777619u;
    return hash;
}

/*
 * Receiving sleeps in WFI until the UART raises its RX interrupt instead of polling the UART: under
 * qemu each poll contends with the thread that delivers the next byte, which made every received
 * byte cost about 80 us. The interrupt stays masked (PRIMASK) and is never taken (the vector table
 * has no device interrupts); a pending one still ends WFI.
 */
#define UART0_DATA (*(volatile uint32_t *)0x40004000u)
#define UART0_STATE (*(volatile uint32_t *)0x40004004u)
#define UART0_CTRL (*(volatile uint32_t *)0x40004008u)
#define UART0_INTSTATUS (*(volatile uint32_t *)0x4000400cu)
#define UART_RX_FULL (1u << 1)
#define UART_RX_INTERRUPT (1u << 3) /* in CTRL; bit 1 in INTSTATUS */
#define NVIC_ISER0 (*(volatile uint32_t *)0xe000e100u)
#define NVIC_ICER0 (*(volatile uint32_t *)0xe000e180u)
#define NVIC_ICPR0 (*(volatile uint32_t *)0xe000e280u)
#define UART0_RX_IRQ (1u << 0)

static void rx_begin(void)
{
    __asm volatile("cpsid i" ::: "memory");
    UART0_CTRL |= UART_RX_INTERRUPT;
    NVIC_ISER0 = UART0_RX_IRQ;
}

static void rx_end(void)
{
    UART0_CTRL &= ~UART_RX_INTERRUPT;
    UART0_INTSTATUS = 1u << 1;
    NVIC_ICER0 = UART0_RX_IRQ;
    NVIC_ICPR0 = UART0_RX_IRQ;
    __asm volatile("cpsie i" ::: "memory");
}

static uint8_t rx_byte(void)
{
    while (!(UART0_STATE & UART_RX_FULL))
        __asm volatile("wfi");
    /* Cleared before the read, so that the next byte raises the interrupt again. */
    UART0_INTSTATUS = 1u << 1;
    NVIC_ICPR0 = UART0_RX_IRQ;
    return (uint8_t)UART0_DATA;
}

static void rx_bytes(uint8_t *bytes, uint32_t length)
{
    for (uint32_t i = 0; i < length; i++)
        bytes[i] = rx_byte();
}

static uint32_t get_u32(void)
{
    uint8_t b[4];
    rx_bytes(b, 4);
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put_u32(uint32_t value)
{
    uint8_t b[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    uart_write(b, 4);
}

static void send_frame(const uint8_t *payload, uint32_t length)
{
    put_u32(MAGIC);
    put_u32(length);
    uart_write(payload, length);
    put_u32(fnv1a(payload, length));
}

/* Waits for the magic (resynchronising on anything else), then a whole frame; 0 if it does not check out. */
static uint32_t receive_frame(void)
{
    rx_begin();
    uint32_t window = 0;
    while (window != MAGIC)
        window = (window >> 8) | (uint32_t)rx_byte() << 24;
    uint32_t length = get_u32();
    int whole = length <= sizeof rx;
    if (whole)
        rx_bytes(rx, length);
    whole = whole && get_u32() == fnv1a(rx, length);
    rx_end();
    return whole ? length : 0;
}

/* A cursor over a payload; reading past its end marks it bad instead of reading on. */
struct cursor {
    uint8_t *at, *end;
    int bad;
};

static uint32_t take_u32(struct cursor *c)
{
    if (c->end - c->at < 4) {
        c->bad = 1;
        return 0;
    }
    uint32_t value = *(uint32_t *)c->at;
    c->at += 4;
    return value;
}

static uint8_t *take_bytes(struct cursor *c, uint32_t length)
{
    uint32_t padded = (length + 3) & ~3u;
    if (padded < length || (uint32_t)(c->end - c->at) < padded) {
        c->bad = 1;
        return c->at;
    }
    uint8_t *bytes = c->at;
    c->at += padded;
    return bytes;
}

#define STORED_INLINE 0xffffffffu

/* A job's byte string: u32 length, u32 where; the bytes follow (padded to 4) if where is STORED_INLINE, else they are store[where..]. */
static const uint8_t *take_string(struct cursor *c, uint32_t *length)
{
    *length = take_u32(c);
    uint32_t where = take_u32(c);
    if (where == STORED_INLINE)
        return take_bytes(c, *length);
    if (where > sizeof store || *length > sizeof store - where) {
        c->bad = 1;
        return store;
    }
    return store + where;
}

struct writer {
    uint8_t *at;
};

static void emit_u32(struct writer *w, uint32_t value)
{
    *(uint32_t *)w->at = value;
    w->at += 4;
}

static int in_arena(uint32_t address, uint32_t length)
{
    return address >= (uint32_t)arena && length <= sizeof arena && address - (uint32_t)arena <= sizeof arena - length;
}

/* ---- the two messages ---- */

static void send_hello(void)
{
    struct writer w = {tx};
    emit_u32(&w, VERSION);
    emit_u32(&w, (uint32_t)code_area);
    emit_u32(&w, sizeof code_area);
    emit_u32(&w, (uint32_t)arena);
    emit_u32(&w, sizeof arena);
    emit_u32(&w, (uint32_t)maps);
    emit_u32(&w, sizeof store);
    emit_u32(&w, sizeof helpers / sizeof helpers[0]);
    for (uint32_t i = 0; i < sizeof helpers / sizeof helpers[0]; i++) {
        emit_u32(&w, helpers[i].id);
        emit_u32(&w, (uint32_t)helpers[i].fn);
    }
    emit_u32(&w, FW_RUNTIME_COUNT);
    for (uint32_t i = 0; i < FW_RUNTIME_COUNT; i++)
        emit_u32(&w, fw_runtime_routine(i));
    send_frame(tx, (uint32_t)(w.at - tx));
}

static void send_status(uint32_t status)
{
    struct writer w = {tx};
    emit_u32(&w, status);
    send_frame(tx, 4);
}

/* Runs the code with its stack <shift> bytes lower, so that the test can move the eBPF stack. */
static __attribute__((noinline)) uint64_t call_shifted(uint32_t shift, struct fw_env *env, uint32_t *exception, uint64_t *spent)
{
    volatile uint8_t *pad = __builtin_alloca((shift + 7) & ~7u);
    pad[0] = 0;
    uint64_t start = cycles();
    uint64_t r0 = fw_call_guarded((fw_entry_fn)((uint32_t)code_area | 1), env, exception);
    *spent = cycles() - start;
    return r0;
}

/* A store message: u32 offset, u32 length, the bytes (padded to 4), kept in the store for later jobs. */
static void keep(struct cursor *c)
{
    uint32_t offset = take_u32(c), length = take_u32(c);
    const uint8_t *bytes = take_bytes(c, length);
    if (c->bad || c->at != c->end || offset > sizeof store || length > sizeof store - offset) {
        send_status(2);
        return;
    }
    for (uint32_t i = 0; i < length; i++)
        store[offset + i] = bytes[i];
    send_status(0);
}

static void run_job(struct cursor c)
{
    uint32_t code_length;
    const uint8_t *code = take_string(&c, &code_length);
    struct fw_env env = {0};
    env.r1 = take_u32(&c);
    env.r2 = take_u32(&c);
    env.budget = take_u32(&c);
    uint32_t stack_shift = take_u32(&c);
    uint32_t repeat = take_u32(&c);
    env.region_count = take_u32(&c);
    if (env.region_count > MAX_REGIONS || code_length > sizeof code_area || stack_shift > 64 * 1024 || repeat == 0)
        c.bad = 1;
    for (uint32_t i = 0; i < env.region_count && !c.bad; i++) {
        regions[i].base = take_u32(&c);
        regions[i].size = take_u32(&c);
        regions[i].rights = take_u32(&c);
    }
    map_count = take_u32(&c);
    if (map_count > MAX_MAPS)
        c.bad = 1;
    for (uint32_t i = 0; i < map_count && !c.bad; i++) {
        maps[i].type = take_u32(&c);
        maps[i].values = take_u32(&c);
        maps[i].key_size = take_u32(&c);
        maps[i].value_size = take_u32(&c);
        maps[i].max_entries = take_u32(&c);
        maps[i].read_only = take_u32(&c);
        maps[i].state = take_u32(&c);
    }
    uint32_t block_count = take_u32(&c);
    uint32_t block_address[MAX_BLOCKS], block_length[MAX_BLOCKS];
    const uint8_t *block_bytes[MAX_BLOCKS];
    if (block_count > MAX_BLOCKS)
        c.bad = 1;
    for (uint32_t i = 0; i < block_count && !c.bad; i++) {
        block_address[i] = take_u32(&c);
        block_bytes[i] = take_string(&c, &block_length[i]);
        if (!in_arena(block_address[i], block_length[i]))
            c.bad = 1;
    }
    if (c.bad || c.at != c.end) {
        send_status(2);
        return;
    }
    for (uint32_t i = 0; i < code_length; i++)
        code_area[i] = code[i];
    env.regions = regions;
    __asm volatile("dsb\n isb" ::: "memory");

    struct fw_env initial = env;
    uint32_t exception = 0;
    uint64_t r0 = 0, spent, fewest = UINT64_MAX;
    for (uint32_t run = 0; run < repeat; run++) {
        for (uint32_t i = 0; i < block_count; i++)
            for (uint32_t j = 0; j < block_length[i]; j++)
                ((uint8_t *)block_address[i])[j] = block_bytes[i][j];
        env = initial;
        current = &env;
        r0 = call_shifted(stack_shift, &env, &exception, &spent);
        current = 0;
        if (spent < fewest)
            fewest = spent;
    }
    spent = fewest;

    struct writer w = {tx};
    emit_u32(&w, 0);
    emit_u32(&w, exception);
    emit_u32(&w, env.fault);
    emit_u32(&w, env.fault_insn);
    emit_u32(&w, env.fault_addr);
    emit_u32(&w, env.budget);
    emit_u32(&w, (uint32_t)r0);
    emit_u32(&w, (uint32_t)(r0 >> 32));
    emit_u32(&w, (uint32_t)spent);
    emit_u32(&w, (uint32_t)(spent >> 32));
    for (uint32_t i = 0; i < block_count; i++) {
        if ((uint32_t)(w.at - tx) + block_length[i] + 3 > sizeof tx) {
            send_status(2);
            return;
        }
        for (uint32_t j = 0; j < block_length[i]; j++)
            *w.at++ = ((uint8_t *)block_address[i])[j];
        while ((uint32_t)(w.at - tx) & 3)
            *w.at++ = 0;
    }
    send_frame(tx, (uint32_t)(w.at - tx));
}

int main(void)
{
    uart_init();
    SYST_RVR = SYST_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 7; /* processor clock, interrupt on wrap, enabled */
    send_hello();
    for (;;) {
        uint32_t length = receive_frame();
        struct cursor c = {rx, rx + length, 0};
        uint32_t kind = take_u32(&c);
        if (length == 0)
            send_status(1);
        else if (kind == MESSAGE_STORE)
            keep(&c);
        else if (kind == MESSAGE_JOB)
            run_job(c);
        else
            send_status(2);
    }
}
