// expect: unsafe: unknown helper 42
#include "corpus.h"

static long (*bpf_unknown)(u64 a) = (void *)42;

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    return bpf_unknown(len) + (len ? buf[0] : 0);
}
