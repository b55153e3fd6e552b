#include "bpf_helpers.h"

__attribute__((noinline)) int scale(int x)
{
    return x * 13; /* SCALE-MARKER */
}

SEC("hook/lines")
int with_lines(int *ctx)
{
    int value = ctx[0];
    value ^= 0x5a5a; /* ENTRY-MARKER */
    return scale(value);
}
