// expect: unsafe: outside the 256-byte context
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    return buf[300] + len;
}
