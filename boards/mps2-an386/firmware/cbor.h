/* cbor.h: a bounded reader for the canonical CBOR of packages (docs/package-format.md): unsigned and
 * negative integers, byte and text strings, arrays, maps, tags and simple values, definite lengths only.
 * Every read checks the remaining input; the first failure sticks in `error`, and later reads fail. */
#ifndef CBOR_H
#define CBOR_H

#include <stdint.h>

struct cbor {
    const uint8_t *at;
    const uint8_t *end;
    int error;
};

void cbor_init(struct cbor *c, const uint8_t *data, uint32_t length);
int cbor_uint(struct cbor *c, uint64_t *value);
int cbor_int(struct cbor *c, int64_t *value);
/* A byte string (major type 2) or text string (3): its bytes stay in the input. */
int cbor_string(struct cbor *c, int major, const uint8_t **bytes, uint32_t *length);
int cbor_array(struct cbor *c, uint32_t *count);
int cbor_map(struct cbor *c, uint32_t *count);
int cbor_tag(struct cbor *c, uint64_t *tag);
/* Skips one whole item, nested items included (at most 8 levels deep). */
int cbor_skip(struct cbor *c);
/* Text equal to a C string. */
int cbor_text_is(const uint8_t *text, uint32_t length, const char *expected);

#endif
