/* The Internet checksum (RFC 1071): big-endian 16-bit words read as u16 loads and byte-swapped,
 * summed with end-around carry. Also reports whether the data already sums to 0xffff (a valid packet). */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 sum = 0;
    u64 i = 0;
    for (; i + 1 < len; i += 2)
        sum += __builtin_bswap16(*(u16 *)(buf + i));
    if (i < len)
        sum += (u64)buf[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    u16 checksum = (u16)~sum;
    return (u64)(sum == 0xffff) << 32 | checksum;
}
