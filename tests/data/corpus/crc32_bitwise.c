/* CRC-32 (IEEE, reflected), one bit at a time without branches: the mask is all ones when the low bit is set. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 crc = 0xffffffff;
    for (u64 i = 0; i < len; i++) {
        crc ^= buf[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}
