/* package.h: the parts of a package (docs/package-format.md) the stub needs, read from the envelope
 * in place: nothing is copied, every pointer points into the package buffer. */
#ifndef PACKAGE_H
#define PACKAGE_H

#include <stdint.h>

#include "fw_env.h"

enum { PACKAGE_MAX_MAPS = 4, PACKAGE_MAX_RELOCATIONS = 32 };

struct bytes {
    const uint8_t *data;
    uint32_t length;
};

struct package_map {
    uint32_t type, key_size, value_size, max_entries, read_only;
    struct bytes initial; /* length 0 when the map has no initial value */
};

struct package {
    uint64_t sequence;
    struct bytes board, build_id, hook, kind;
    struct bytes program, program_digest; /* the eBPF bytecode and the manifest's SHA-256 of it */
    struct bytes native, native_digest;   /* the native section as encoded and the manifest's SHA-256 of it */
    struct bytes target, code;
    uint32_t stack_bytes;
    struct fw_relocation relocations[PACKAGE_MAX_RELOCATIONS];
    uint32_t relocation_count;
    struct package_map maps[PACKAGE_MAX_MAPS];
    uint32_t map_count;
};

/* Reads the envelope, the manifest inside its COSE_Sign1 and the native section if there is one
 * (native.data is 0 otherwise). Returns 0 on success,
 * else a static message naming what is malformed. The signature is not checked (docs/cortex-m.md). */
const char *package_parse(const uint8_t *data, uint32_t length, struct package *out);

int bytes_equal(struct bytes a, const uint8_t *b, uint32_t length);

#endif
