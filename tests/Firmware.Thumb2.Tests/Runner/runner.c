/*
 * The conformance runner: boots once under qemu-system-arm (mps2-an386), then runs the compiled
 * programs the host test sends over UART0 and answers each with its outcome. The framing, the hello
 * and the job/result layouts are described once here and once in RunnerProtocol.cs:
 *
 *   frame:   u32 magic 0x4e555254 ("TRUN"), u32 length, payload[length], u32 FNV-1a of the payload
 *   hello:   (runner -> host, at boot) u32 version, u32 code area, u32 code capacity, u32 arena,
 *            u32 arena size, u32 maps table, u32 helper count, {u32 id, u32 address}*, u32 runtime count,
 *            {u32 address}*
 *   job:     u32 code length, code (already relocated for the code area), pad to 4, u32 r1, u32 r2,
 *            u32 budget, u32 stack shift (bytes the call's stack sits lower), u32 repeat (runs, each from the
 *            same blocks and budget; the result is the last run's, the cycles the fewest), u32 region count, {u32 base, u32 size, u32 rights}*, u32 map count,
 *            {u32 values, u32 value size, u32 max entries}*, u32 block count, {u32 address, u32 length,
 *            bytes, pad to 4}* (written into the arena before the run)
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
#define VERSION 1u
#define MAX_REGIONS 16
#define MAX_MAPS 8
#define MAX_BLOCKS 16

static uint8_t rx[1536 * 1024] __attribute__((aligned(8)));
static uint8_t code_area[1024 * 1024] __attribute__((aligned(8)));
static uint8_t arena[256 * 1024] __attribute__((aligned(8)));
static uint8_t tx[256 * 1024 + 64] __attribute__((aligned(8)));

struct runner_map {
    uint32_t values;
    uint32_t value_size;
    uint32_t max_entries;
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

/* bpf_map_lookup_elem on an array map: the value's address, 0 for a key out of range. */
static uint64_t map_lookup(uint64_t map, uint64_t key, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    uint32_t index = (uint32_t)(map - (uint32_t)maps) / sizeof(struct runner_map);
    if (map < (uint32_t)maps || index >= map_count || map != (uint32_t)&maps[index])
        return 0;
    if (key >> 32 || !guest_allows((uint32_t)key, 4, FW_READ)) {
        helper_fault((uint32_t)key);
        return 0;
    }
    uint32_t k = *(const uint32_t *)(uint32_t)key;
    return k < maps[index].max_entries ? maps[index].values + k * maps[index].value_size : 0;
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
    {5, conformance_unwind},
    {100, mix},
    {101, refuse},
    {102, unwinding},
};

/* ---- framing ---- */

static uint32_t fnv1a(const uint8_t *data, uint32_t length)
{
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < length; i++)
        hash = (hash ^ data[i]) * 16777619u;
    return hash;
}

static uint32_t get_u32(void)
{
    uint8_t b[4];
    uart_read(b, 4);
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
    uint32_t window = 0;
    while (window != MAGIC)
        window = (window >> 8) | (uint32_t)uart_get() << 24;
    uint32_t length = get_u32();
    if (length > sizeof rx)
        return 0;
    uart_read(rx, length);
    return get_u32() == fnv1a(rx, length) ? length : 0;
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

static void run_job(uint32_t length)
{
    struct cursor c = {rx, rx + length, 0};
    uint32_t code_length = take_u32(&c);
    uint8_t *code = take_bytes(&c, code_length);
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
        maps[i].values = take_u32(&c);
        maps[i].value_size = take_u32(&c);
        maps[i].max_entries = take_u32(&c);
    }
    uint32_t block_count = take_u32(&c);
    uint32_t block_address[MAX_BLOCKS], block_length[MAX_BLOCKS];
    const uint8_t *block_bytes[MAX_BLOCKS];
    if (block_count > MAX_BLOCKS)
        c.bad = 1;
    for (uint32_t i = 0; i < block_count && !c.bad; i++) {
        block_address[i] = take_u32(&c);
        block_length[i] = take_u32(&c);
        block_bytes[i] = take_bytes(&c, block_length[i]);
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
        if (length == 0)
            send_status(1);
        else
            run_job(length);
    }
}
