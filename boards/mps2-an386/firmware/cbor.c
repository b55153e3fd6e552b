/* cbor.c: see cbor.h. Canonical encoders never use indefinite lengths, so they are refused. */
#include "cbor.h"

enum { MAJOR_UINT, MAJOR_NEGATIVE, MAJOR_BYTES, MAJOR_TEXT, MAJOR_ARRAY, MAJOR_MAP, MAJOR_TAG, MAJOR_SIMPLE };
enum { MAX_DEPTH = 8 };

void cbor_init(struct cbor *c, const uint8_t *data, uint32_t length)
{
    c->at = data;
    c->end = data + length;
    c->error = 0;
}

static int fail(struct cbor *c)
{
    c->error = 1;
    return 0;
}

/* The initial byte and its argument (RFC 8949 §3). */
static int head(struct cbor *c, int *major, uint64_t *argument)
{
    if (c->error || c->at >= c->end)
        return fail(c);
    uint8_t initial = *c->at++;
    *major = initial >> 5;
    uint8_t info = initial & 0x1f;
    if (info < 24) {
        *argument = info;
        return 1;
    }
    if (info > 27)
        return fail(c);
    uint32_t bytes = 1u << (info - 24);
    if ((uint32_t)(c->end - c->at) < bytes)
        return fail(c);
    uint64_t value = 0;
    for (uint32_t i = 0; i < bytes; i++)
        value = value << 8 | *c->at++;
    *argument = value;
    return 1;
}

static int expect(struct cbor *c, int wanted, uint64_t *argument)
{
    const uint8_t *start = c->at;
    int major;
    if (!head(c, &major, argument))
        return 0;
    if (major != wanted) {
        c->at = start;
        return fail(c);
    }
    return 1;
}

int cbor_uint(struct cbor *c, uint64_t *value) { return expect(c, MAJOR_UINT, value); }

int cbor_int(struct cbor *c, int64_t *value)
{
    int major;
    uint64_t argument;
    if (!head(c, &major, &argument) || argument > INT64_MAX || (major != MAJOR_UINT && major != MAJOR_NEGATIVE))
        return fail(c);
    *value = major == MAJOR_UINT ? (int64_t)argument : -1 - (int64_t)argument;
    return 1;
}

int cbor_string(struct cbor *c, int major, const uint8_t **bytes, uint32_t *length)
{
    uint64_t argument;
    if (!expect(c, major, &argument) || argument > (uint64_t)(c->end - c->at))
        return fail(c);
    *bytes = c->at;
    *length = (uint32_t)argument;
    c->at += argument;
    return 1;
}

static int count(struct cbor *c, int major, uint32_t *n)
{
    uint64_t argument;
    /* Every entry takes at least one byte: a count above what is left cannot be honest. */
    if (!expect(c, major, &argument) || argument > (uint64_t)(c->end - c->at))
        return fail(c);
    *n = (uint32_t)argument;
    return 1;
}

int cbor_array(struct cbor *c, uint32_t *n) { return count(c, MAJOR_ARRAY, n); }
int cbor_map(struct cbor *c, uint32_t *n) { return count(c, MAJOR_MAP, n); }
int cbor_tag(struct cbor *c, uint64_t *tag) { return expect(c, MAJOR_TAG, tag); }

static int skip(struct cbor *c, int depth)
{
    int major;
    uint64_t argument;
    if (depth > MAX_DEPTH || !head(c, &major, &argument))
        return fail(c);
    switch (major) {
    case MAJOR_BYTES:
    case MAJOR_TEXT:
        if (argument > (uint64_t)(c->end - c->at))
            return fail(c);
        c->at += argument;
        return 1;
    case MAJOR_ARRAY:
    case MAJOR_MAP:
        if (argument > (uint64_t)(c->end - c->at))
            return fail(c);
        for (uint64_t i = 0; i < argument * (major == MAJOR_MAP ? 2 : 1); i++)
            if (!skip(c, depth + 1))
                return 0;
        return 1;
    case MAJOR_TAG:
        return skip(c, depth + 1);
    default:
        return 1;
    }
}

int cbor_skip(struct cbor *c) { return skip(c, 0); }

int cbor_text_is(const uint8_t *text, uint32_t length, const char *expected)
{
    uint32_t i = 0;
    for (; i < length; i++)
        if (expected[i] == 0 || expected[i] != (char)text[i])
            return 0;
    return expected[i] == 0;
}
