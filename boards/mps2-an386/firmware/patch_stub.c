/* patch_stub.c: see patch_stub.h.
 *
 * Each hook has two RAM banks. A package is checked completely, then written into the bank that is not
 * running, its relocations resolved, and only then does one word store (`active`) switch the hook point
 * to it: a hook point sees either the old patch or the new one, whole. The bank it replaced stays
 * intact as `previous`, so detaching a faulty patch restores the patch before it. */
#include "patch_stub.h"

#include "guard.h"
#include "helpers.h"
#include "package.h"
#include "runtime.h"
#include "sha256.h"

#include <string.h>

#define BOARD "mps2-an386"

enum patch_kind { KIND_FILTER, KIND_REPLACE, KIND_OBSERVE };
enum { BPF_MAP_TYPE_ARRAY = 2, MAX_REGIONS = 2 + PACKAGE_MAX_MAPS };

struct bank {
    uint8_t code[STUB_CODE_BYTES] __attribute__((aligned(8)));
    uint8_t map_memory[STUB_MAP_BYTES] __attribute__((aligned(8)));
    struct stub_map maps[PACKAGE_MAX_MAPS];
    struct fw_region map_regions[PACKAGE_MAX_MAPS];
    uint32_t map_count;
    uint64_t sequence;
    enum patch_kind kind;
    uint32_t faults;
};

static const char *const hook_names[HOOK_COUNT] = {[HOOK_PARSE_PACKET] = "parse_packet", [HOOK_CALIBRATE] = "calibrate"};

/* Zero-initialised, so the banks take RAM only, not flash for initial values. */
static struct hook {
    struct bank banks[2];
    struct bank *volatile active;
    struct bank *previous;
    uint64_t last_sequence;   /* anti-rollback: the highest sequence installed on this hook */
    uint32_t runs, faults, budget_hits, detaches;
    uint64_t detached_sequence;
    uint32_t last_fault, last_fault_insn, last_fault_addr;
} hooks[HOOK_COUNT];

/* Set while a patch runs, for helpers (an MCU runs one patch at a time). */
struct fw_env *stub_current_env;
static struct bank *running;

static uint8_t build_id[32];
static uint32_t installs;

extern const uint8_t __data_start[], __data_end[], __data_load[];

void stub_init(void)
{
    /* The build id is the SHA-256 of the image as flashed: code, read-only data and .data's initial
     * values, from address 0 (what `objcopy -O binary` writes). The host computes the same from the ELF. */
    sha256((const uint8_t *)0, (uint32_t)__data_load + (uint32_t)(__data_end - __data_start), build_id);
}

static void say(char reason[LINK_REASON_MAX], const char *a, struct bytes b, const char *c)
{
    uint32_t n = 0;
    for (; *a && n < LINK_REASON_MAX - 1; a++)
        reason[n++] = *a;
    for (uint32_t i = 0; i < b.length && n < LINK_REASON_MAX - 1; i++)
        reason[n++] = (char)b.data[i];
    for (; *c && n < LINK_REASON_MAX - 1; c++)
        reason[n++] = *c;
    reason[n] = 0;
}

static int refuse(char reason[LINK_REASON_MAX], const char *why)
{
    say(reason, why, (struct bytes){0}, "");
    return LINK_REJECTED;
}

static struct bytes text(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return (struct bytes){(const uint8_t *)s, n};
}

static int text_equal(struct bytes a, const char *s)
{
    struct bytes b = text(s);
    return bytes_equal(a, b.data, b.length);
}

static int digest_matches(struct bytes data, struct bytes expected)
{
    uint8_t digest[32];
    sha256(data.data, data.length, digest);
    return bytes_equal(expected, digest, 32);
}

static struct hook *find_hook(struct bytes name)
{
    for (int i = 0; i < HOOK_COUNT; i++)
        if (text_equal(name, hook_names[i]))
            return &hooks[i];
    return 0;
}

static const char *hook_name(const struct hook *hook) { return hook_names[hook - hooks]; }

static int parse_kind(struct bytes kind, enum patch_kind *out)
{
    static const char *const names[] = {[KIND_FILTER] = "filter", [KIND_REPLACE] = "replace", [KIND_OBSERVE] = "observe"};
    for (int i = 0; i < 3; i++)
        if (text_equal(kind, names[i]))
            return *out = (enum patch_kind)i, 1;
    return 0;
}

/* Lays out the package's maps in the bank's map memory; 0 or why not. */
static const char *load_maps(struct bank *bank, const struct package *p)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < p->map_count; i++) {
        const struct package_map *m = &p->maps[i];
        uint64_t bytes = (uint64_t)m->value_size * m->max_entries;
        if (m->type != BPF_MAP_TYPE_ARRAY || m->key_size != 4)
            return "only array maps with 4-byte keys on this board";
        if (bytes > STUB_MAP_BYTES - used || m->initial.length > bytes)
            return "maps larger than this board's 1024 bytes of map memory";
        struct stub_map *map = &bank->maps[i];
        *map = (struct stub_map){m->key_size, m->value_size, m->max_entries, bank->map_memory + used};
        memset(map->values, 0, (uint32_t)bytes);
        memcpy(map->values, m->initial.data, m->initial.length);
        bank->map_regions[i] = (struct fw_region){(uint32_t)map->values, (uint32_t)bytes, m->read_only ? FW_READ : FW_READ | FW_WRITE};
        used += ((uint32_t)bytes + 7) & ~7u;
    }
    bank->map_count = p->map_count;
    return 0;
}

/* What a relocation's word becomes; 0 when it names nothing this board has. */
static uint32_t resolve(const struct bank *bank, const struct fw_relocation *r)
{
    switch (r->kind) {
    case FW_RELOC_HELPER: return helper_address(r->value);
    case FW_RELOC_MAP: return r->value < bank->map_count ? (uint32_t)&bank->maps[r->value] : 0;
    case FW_RELOC_RUNTIME: return fw_runtime_routine(r->value);
    case FW_RELOC_MAP_VALUE: return r->value < bank->map_count ? (uint32_t)bank->maps[r->value].values : 0;
    case FW_RELOC_HELPER_TABLE: return helper_table();
    default: return 0;
    }
}

/* Writes the code and maps into `bank` and resolves the relocations; 0 or why not. */
static const char *load(struct bank *bank, const struct package *p)
{
    if (!text_equal(p->target, "thumbv7m"))
        return "native code is not for thumbv7m";
    if (p->code.length > STUB_CODE_BYTES || p->code.length < 2)
        return "native code larger than this board's 4096-byte slot";
    if (p->stack_bytes > STUB_STACK_BYTES)
        return "the code needs more than this board's 8192 bytes of stack";
    const char *error = load_maps(bank, p);
    if (error)
        return error;
    memcpy(bank->code, p->code.data, p->code.length);
    for (uint32_t i = 0; i < p->relocation_count; i++) {
        const struct fw_relocation *r = &p->relocations[i];
        uint32_t word = resolve(bank, r);
        if (!word)
            return "a relocation names a helper, map or routine this board lacks";
        if (r->offset % 4 || r->offset > p->code.length - 4)
            return "a relocation lies outside the code";
        memcpy(bank->code + r->offset, &word, 4);
    }
    return 0;
}

int stub_install(const uint8_t *data, uint32_t length, char reason[LINK_REASON_MAX])
{
    static struct package p;
    const char *error = package_parse(data, length, &p);
    if (error)
        return refuse(reason, error);
    if (!text_equal(p.board, BOARD)) {
        say(reason, "package is for board '", p.board, "', this is '" BOARD "'");
        return LINK_REJECTED;
    }
    if (p.build_id.length && !bytes_equal(p.build_id, build_id, sizeof build_id))
        return refuse(reason, "package is for another firmware build");
    struct hook *hook = find_hook(p.hook);
    if (!hook) {
        say(reason, "this board has no hook '", p.hook, "'");
        return LINK_REJECTED;
    }
    if (p.sequence <= hook->last_sequence) {
        say(reason, "sequence is not above the last installed for hook '", text(hook_name(hook)), "' (rollback refused)");
        return LINK_REJECTED;
    }
    if (!p.native.data)
        return refuse(reason, "the package has no native code (pack it with fwctl for this board)");
    if (!digest_matches(p.program, p.program_digest) || !p.native_digest.data || !digest_matches(p.native, p.native_digest))
        return refuse(reason, "program or native code does not match the manifest's SHA-256");
    enum patch_kind kind;
    if (!parse_kind(p.kind, &kind)) {
        say(reason, "kind '", p.kind, "' is not supported on this board");
        return LINK_REJECTED;
    }
    struct bank *bank = hook->active == &hook->banks[0] ? &hook->banks[1] : &hook->banks[0];
    error = load(bank, &p);
    if (error)
        return refuse(reason, error);
    bank->sequence = p.sequence;
    bank->kind = kind;
    bank->faults = 0;
    __asm volatile("dsb\n isb" ::: "memory");
    hook->previous = hook->active;
    hook->active = bank;
    hook->last_sequence = p.sequence;
    installs++;
    say(reason, "installed on ", text(hook_name(hook)), "");
    return LINK_APPLIED;
}

/* Detaches the patch in `bank` from `hook`, restoring the one before it if it is still whole. */
static void detach(struct hook *hook, struct bank *bank)
{
    if (hook->active != bank)
        return;
    hook->active = hook->previous != bank ? hook->previous : 0;
    hook->previous = 0;
    hook->detaches++;
    hook->detached_sequence = bank->sequence;
}

static void record_fault(struct hook *hook, struct bank *bank, uint32_t fault, uint32_t insn, uint32_t address, int hardware)
{
    hook->faults++;
    hook->budget_hits += fault == FW_FAULT_BUDGET;
    hook->last_fault = fault;
    hook->last_fault_insn = insn;
    hook->last_fault_addr = address;
    /* A CPU exception means the patch escaped its checks: it goes at once. */
    if (hardware || ++bank->faults >= STUB_FAULT_THRESHOLD)
        detach(hook, bank);
}

int stub_run(enum stub_hook id, const struct fw_region *granted, uint32_t granted_count, uint32_t r1, uint32_t r2, uint32_t r3, int32_t *result)
{
    struct hook *hook = &hooks[id];
    struct bank *bank = hook->active;
    if (!bank)
        return 0;
    struct fw_region regions[MAX_REGIONS];
    uint32_t count = 0;
    for (uint32_t i = 0; i < granted_count && count < MAX_REGIONS; i++)
        regions[count++] = granted[i];
    for (uint32_t i = 0; i < bank->map_count; i++)
        regions[count++] = bank->map_regions[i];
    struct fw_env env = {.r1 = r1, .r2 = r2, .r3 = r3, .regions = regions, .region_count = count, .budget = STUB_BUDGET};
    stub_current_env = &env;
    running = bank;
    uint32_t exception;
    uint64_t r0 = fw_call_guarded((fw_entry_fn)((uint32_t)bank->code | 1), &env, &exception);
    running = 0;
    stub_current_env = 0;
    hook->runs++;
    /* FW_FAULT_STOP: a helper ended the run on purpose, with its result. */
    if (exception || (env.fault && env.fault != FW_FAULT_STOP)) {
        /* Exceptions are reported as 0x100 + the exception number, beside the ABI's fault codes. */
        record_fault(hook, bank, exception ? 0x100 + exception : env.fault, env.fault_insn, env.fault_addr, exception != 0);
        return 0;
    }
    switch (bank->kind) {
    case KIND_FILTER:
        if (r0 >> 32 != 1)
            return 0;
        *result = (int32_t)(uint32_t)r0;
        return 1;
    case KIND_REPLACE:
        *result = (int32_t)(uint32_t)r0;
        return 1;
    default:
        return 0;
    }
}

int stub_guest_memory(uint32_t address, uint32_t size, uint32_t rights)
{
    const struct fw_env *env = stub_current_env;
    if (!env || address + size < address)
        return 0;
    if (address >= env->stack_base && address - env->stack_base <= env->stack_size && size <= env->stack_size - (address - env->stack_base))
        return 1;
    for (uint32_t i = 0; i < env->region_count; i++) {
        const struct fw_region *r = &env->regions[i];
        if ((r->rights & rights) == rights && address >= r->base && address - r->base <= r->size && size <= r->size - (address - r->base))
            return 1;
    }
    return 0;
}

struct stub_map *stub_map(uint32_t pointer)
{
    for (uint32_t i = 0; running && i < running->map_count; i++)
        if (pointer == (uint32_t)&running->maps[i])
            return &running->maps[i];
    return 0;
}

uint32_t stub_counters(uint8_t *payload, uint32_t length, uint32_t capacity)
{
    static const char *const fields[] = {"sequence", "state", "runs", "faults", "budget_hits", "detaches", "detached_sequence", "fault", "fault_insn", "fault_addr"};
    length = link_counter(payload, length, capacity, "installs", installs);
    for (int h = 0; h < HOOK_COUNT; h++) {
        const struct hook *hook = &hooks[h];
        /* state: 0 no patch, 1 a patch runs */
        const int64_t values[] = {hook->active ? (int64_t)hook->active->sequence : 0, hook->active != 0, hook->runs, hook->faults, hook->budget_hits,
                                  hook->detaches, (int64_t)hook->detached_sequence, hook->last_fault, hook->last_fault_insn, hook->last_fault_addr};
        for (uint32_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            char name[40];
            uint32_t n = 0;
            for (const char *s = hook_names[h]; *s; s++)
                name[n++] = *s;
            name[n++] = '.';
            for (const char *s = fields[f]; *s; s++)
                name[n++] = *s;
            name[n] = 0;
            length = link_counter(payload, length, capacity, name, values[f]);
        }
    }
    return length;
}
