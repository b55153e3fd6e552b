#include "bpf_helpers.h"

/* Static, so add3's call to it is resolved by the assembler: no relocation. */
static __attribute__((noinline)) int square(int x)
{
    return x * x;
}

/* Global, so calls to it from .text carry a relocation in .rel.text. */
__attribute__((noinline)) int twice(int x)
{
    return x * 2;
}

__attribute__((noinline)) int add3(int a, int b, int c)
{
    return square(a) + twice(b) + c;
}

static __attribute__((noinline)) int unused_helper(int x)
{
    return x - 1;
}

SEC("hook/first")
int first(int *ctx)
{
    return add3(ctx[0], 2, 3);
}

SEC("hook/second")
int second(int *ctx)
{
    return square(ctx[1]) + unused_helper(ctx[0]);
}
