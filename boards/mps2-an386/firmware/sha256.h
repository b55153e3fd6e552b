/* sha256.h: SHA-256 (FIPS 180-4), small rather than fast: the stub hashes a package of a few KiB once. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t state[8];
    uint64_t length;      /* bytes hashed so far */
    uint8_t block[64];
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const uint8_t *data, size_t length);
void sha256_final(struct sha256 *s, uint8_t digest[32]);
void sha256(const uint8_t *data, size_t length, uint8_t digest[32]);

#endif
