/* The Thumb-2 patch ABI, C side: one definition of what docs/thumb2-abi.md describes. */
#ifndef FW_ENV_H
#define FW_ENV_H

#include <stdint.h>

enum fw_rights {
    FW_READ = 1u << 0,
    FW_WRITE = 1u << 1,
};

struct fw_region {
    uint32_t base;
    uint32_t size;
    uint32_t rights;
};

enum fw_fault {
    FW_FAULT_NONE = 0,
    FW_FAULT_READ = 1,
    FW_FAULT_BUDGET = 2,
    FW_FAULT_HELPER = 3,
    FW_FAULT_DEPTH = 4,
    FW_FAULT_WRITE = 5,
    FW_FAULT_ALIGNMENT = 6,
    FW_FAULT_STOP = 7,
    FW_FAULT_UNKNOWN_HELPER = 8,
};

struct fw_env {
    uint32_t r1;
    uint32_t r2;
    const struct fw_region *regions;
    uint32_t region_count;
    uint32_t budget;
    uint32_t fault;
    uint32_t fault_insn;
    uint32_t fault_addr;
    uint32_t stack_base;
    uint32_t stack_size;
    uint32_t r3; /* eBPF r3..r5 at entry: a hook's second to fourth arguments */
    uint32_t r4;
    uint32_t r5;
};

_Static_assert(sizeof(struct fw_env) == 52, "struct fw_env is part of the ABI");

enum fw_relocation_kind {
    FW_RELOC_HELPER = 1,
    FW_RELOC_MAP = 2,
    FW_RELOC_RUNTIME = 3,
    FW_RELOC_MAP_VALUE = 4,
    FW_RELOC_HELPER_TABLE = 5,
};

/* What a kind 5 relocation points at: the helpers callx may name. */
struct fw_helper_entry {
    uint32_t id;
    uint32_t address; /* | 1 */
};

struct fw_helper_table {
    uint32_t count;
    struct fw_helper_entry entries[];
};

struct fw_relocation {
    uint32_t offset;
    uint32_t kind;
    uint32_t value;
};

typedef uint64_t (*fw_entry_fn)(struct fw_env *env);
typedef uint64_t (*fw_helper_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
