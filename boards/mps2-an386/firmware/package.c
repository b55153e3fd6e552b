/* package.c: see package.h. Keys must ascend (canonical CBOR), so each field is read at most once;
 * manifest keys the stub has no use for are skipped whole. */
#include "package.h"

#include "cbor.h"

enum { MAJOR_BYTES = 2, MAJOR_TEXT = 3, COSE_SIGN1_TAG = 18, SHA256_ALGORITHM = -16 };

/* Manifest keys (device-runtime/Firmware.Protocol/Packages/ManifestKeys.cs). */
enum {
    M_VERSION = 1, M_SEQUENCE = 2, M_BOARD = 3, M_BUILD_ID = 4, M_HOOK = 5, M_KIND = 6,
    M_PROGRAM_SIZE = 8, M_PROGRAM_DIGEST = 9, M_MAPS = 10, M_NATIVE_DIGEST = 14,
};

int bytes_equal(struct bytes a, const uint8_t *b, uint32_t length)
{
    if (a.length != length)
        return 0;
    for (uint32_t i = 0; i < length; i++)
        if (a.data[i] != b[i])
            return 0;
    return 1;
}

/* The next map key, which must be above the previous one. */
static int key(struct cbor *c, uint64_t *previous)
{
    uint64_t k;
    if (!cbor_uint(c, &k) || k <= *previous)
        return c->error = 1, 0;
    *previous = k;
    return 1;
}

static int small(struct cbor *c, uint32_t *out)
{
    uint64_t v;
    if (!cbor_uint(c, &v) || v > 0xffffffffu)
        return c->error = 1, 0;
    *out = (uint32_t)v;
    return 1;
}

static int digest(struct cbor *c, struct bytes *out)
{
    uint32_t n;
    int64_t algorithm;
    return cbor_array(c, &n) && n == 2 && cbor_int(c, &algorithm) && algorithm == SHA256_ALGORITHM
        && cbor_string(c, MAJOR_BYTES, &out->data, &out->length) && out->length == 32;
}

static int map_definition(struct cbor *c, struct package_map *m)
{
    uint32_t n;
    uint64_t previous = 0, k;
    if (!cbor_map(c, &n))
        return 0;
    for (uint32_t i = 0; i < n && key(c, &previous); i++) {
        k = previous;
        if (k == 2) small(c, &m->type);
        else if (k == 3) small(c, &m->key_size);
        else if (k == 4) small(c, &m->value_size);
        else if (k == 5) small(c, &m->max_entries);
        else if (k == 7) cbor_string(c, MAJOR_BYTES, &m->initial.data, &m->initial.length);
        else if (k == 8) {
            /* CBOR true is 0xf5, false 0xf4 (major type 7). */
            if (c->at >= c->end || (*c->at != 0xf4 && *c->at != 0xf5))
                return c->error = 1, 0;
            m->read_only = *c->at++ == 0xf5;
        } else
            cbor_skip(c);
    }
    return !c->error;
}

static const char *manifest(const uint8_t *data, uint32_t length, struct package *p)
{
    struct cbor c;
    uint32_t n;
    uint64_t previous = 0, version = 0;
    cbor_init(&c, data, length);
    if (!cbor_map(&c, &n))
        return "malformed manifest";
    for (uint32_t i = 0; i < n && key(&c, &previous); i++) {
        switch (previous) {
        case M_VERSION: cbor_uint(&c, &version); break;
        case M_SEQUENCE: cbor_uint(&c, &p->sequence); break;
        case M_BOARD: cbor_string(&c, MAJOR_TEXT, &p->board.data, &p->board.length); break;
        case M_BUILD_ID: cbor_string(&c, MAJOR_BYTES, &p->build_id.data, &p->build_id.length); break;
        case M_HOOK: cbor_string(&c, MAJOR_TEXT, &p->hook.data, &p->hook.length); break;
        case M_KIND: cbor_string(&c, MAJOR_TEXT, &p->kind.data, &p->kind.length); break;
        case M_PROGRAM_DIGEST: if (!digest(&c, &p->program_digest)) c.error = 1; break;
        case M_NATIVE_DIGEST: if (!digest(&c, &p->native_digest)) c.error = 1; break;
        case M_MAPS:
            if (!cbor_array(&c, &p->map_count) || p->map_count > PACKAGE_MAX_MAPS)
                return "too many maps for this device (at most 4)";
            for (uint32_t m = 0; m < p->map_count; m++)
                map_definition(&c, &p->maps[m]);
            break;
        default: cbor_skip(&c); break;
        }
    }
    if (c.error || c.at != c.end)
        return "malformed manifest";
    if (version != 1)
        return "unknown package format version";
    return p->board.data && p->hook.data && p->kind.data && p->build_id.data && p->program_digest.data
        ? 0 : "manifest lacks a required field";
}

/* {1: target, 2: code, 3: [[offset, kind, value], ...], 4: stack bytes} */
static const char *native(struct package *p)
{
    struct cbor c;
    uint32_t n, count, triple;
    uint64_t k = 0;
    cbor_init(&c, p->native.data, p->native.length);
    if (!cbor_map(&c, &n) || n != 4)
        return "malformed native section";
    key(&c, &k), cbor_string(&c, MAJOR_TEXT, &p->target.data, &p->target.length);
    key(&c, &k), cbor_string(&c, MAJOR_BYTES, &p->code.data, &p->code.length);
    key(&c, &k), cbor_array(&c, &count);
    if (c.error || k != 3 || count > PACKAGE_MAX_RELOCATIONS)
        return "malformed native section (or more than 32 relocations)";
    for (uint32_t i = 0; i < count; i++) {
        struct fw_relocation *r = &p->relocations[i];
        if (!cbor_array(&c, &triple) || triple != 3 || !small(&c, &r->offset) || !small(&c, &r->kind) || !small(&c, &r->value))
            return "malformed relocation";
    }
    p->relocation_count = count;
    key(&c, &k), small(&c, &p->stack_bytes);
    return c.error || k != 4 || c.at != c.end ? "malformed native section" : 0;
}

const char *package_parse(const uint8_t *data, uint32_t length, struct package *p)
{
    struct cbor c;
    uint32_t entries, cose_items, unprotected;
    uint64_t k = 0, tag;
    struct bytes skipped, payload;
    *p = (struct package){0};
    cbor_init(&c, data, length);
    if (!cbor_map(&c, &entries) || entries < 2 || entries > 3)
        return "malformed package envelope";
    /* 1: COSE_Sign1 = #6.18([protected, unprotected {}, payload, signature]) */
    key(&c, &k), cbor_tag(&c, &tag), cbor_array(&c, &cose_items);
    if (c.error || k != 1 || tag != COSE_SIGN1_TAG || cose_items != 4)
        return "malformed COSE_Sign1";
    cbor_string(&c, MAJOR_BYTES, &skipped.data, &skipped.length);
    cbor_map(&c, &unprotected);
    cbor_string(&c, MAJOR_BYTES, &payload.data, &payload.length);
    cbor_string(&c, MAJOR_BYTES, &skipped.data, &skipped.length);
    key(&c, &k), cbor_string(&c, MAJOR_BYTES, &p->program.data, &p->program.length);
    if (c.error || unprotected != 0 || k != 2)
        return "malformed package envelope";
    if (entries == 3) {
        const uint8_t *start;
        key(&c, &k);
        start = c.at;
        cbor_skip(&c);
        p->native.data = start;
        p->native.length = (uint32_t)(c.at - start);
        if (c.error || k != 3)
            return "malformed package envelope";
    }
    if (c.at != c.end)
        return "bytes after the package";
    const char *error = manifest(payload.data, payload.length, p);
    if (error)
        return error;
    return p->native.data ? native(p) : 0;
}
