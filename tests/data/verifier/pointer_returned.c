// expect: unsafe: r0 is a pointer
#include "corpus.h"

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    return (u64)(buf + len);
}
