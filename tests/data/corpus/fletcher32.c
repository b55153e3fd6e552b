/* Fletcher-32 the textbook way: 16-bit words read with u16 loads, both sums reduced modulo 65535
 * (a 32-bit remainder) after every word; an odd trailing byte is a word with a zero high byte. */
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 sum1 = 0, sum2 = 0;
    u64 i = 0;
    for (; i + 1 < len; i += 2) {
        sum1 = (sum1 + *(u16 *)(buf + i)) % 65535;
        sum2 = (sum2 + sum1) % 65535;
    }
    if (i < len) {
        sum1 = (sum1 + buf[i]) % 65535;
        sum2 = (sum2 + sum1) % 65535;
    }
    return (u64)sum2 << 16 | sum1;
}
