/* A chain of six calls, each frame keeping its own 64-byte array on its own stack: writes in one frame
 * must not disturb the frames below it. */
#include "corpus.h"

#define SCRATCH 64

static NOINLINE u64 leaf(const u8 *buf, u64 len, u64 seed)
{
    u8 local[SCRATCH];
    for (u64 i = 0; i < SCRATCH; i++)
        local[i] = (u8)(seed >> (i & 7) * 8) ^ (i < len ? buf[i] : 0);
    u64 acc = 0;
    for (u64 i = 0; i < SCRATCH; i++)
        acc = acc * 3 + local[SCRATCH - 1 - i];
    return acc;
}

#define LEVEL(name, next)                                                   \
    static NOINLINE u64 name(const u8 *buf, u64 len, u64 seed)              \
    {                                                                       \
        u8 local[SCRATCH];                                                  \
        for (u64 i = 0; i < SCRATCH; i++)                                   \
            local[i] = (u8)(seed * (i + 1));                                \
        u64 below = next(buf, len, seed * 0x9e3779b97f4a7c15ull + 1);       \
        u64 acc = below;                                                    \
        for (u64 i = 0; i < SCRATCH; i++)                                   \
            acc = acc * 5 + local[i];                                       \
        return acc;                                                         \
    }

/* Each level is its own function: eBPF has no recursion, so the chain is spelled out. */
LEVEL(level5, leaf)
LEVEL(level4, level5)
LEVEL(level3, level4)
LEVEL(level2, level3)
LEVEL(level1, level2)

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 acc = 0;
    for (u64 seed = 1; seed <= 4; seed++)
        acc ^= level1(buf, len, seed + len);
    return acc;
}
