// expect: safe
#include "corpus.h"

static u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static u32 (*bpf_get_prandom_u32)(void) = (void *)7;

/* Values live across helper calls are spilled to the stack and filled back with their bounds. */
SEC("prog") u64 entry(u8 *buf, u64 len)
{
    if (len < 8)
        return 0;
    u64 first = *(u64 *)buf;
    u64 t0 = bpf_ktime_get_ns();
    u64 r = bpf_get_prandom_u32();
    u64 t1 = bpf_ktime_get_ns();
    return first + (t1 - t0) + (r & 1) + buf[len - 1];
}
