/* Benchmark: CRC-32 (IEEE, reflected) over the 4 KiB input, one bit at a time with a branch per bit. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 crc = 0xffffffff;
    for (u64 i = 0; i < len; i++) {
        crc ^= buf[i];
        for (int bit = 0; bit < 8; bit++) {
            if (crc & 1)
                crc = (crc >> 1) ^ 0xedb88320;
            else
                crc >>= 1;
        }
    }
    return ~crc;
}
