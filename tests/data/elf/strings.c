#include "bpf_helpers.h"

/* Not a string literal, so it goes to .rodata rather than the mergeable .rodata.str1.1. */
static const char table[2][12] = { "table entry", "other" };

SEC("hook/strings")
int print(int *ctx)
{
    bpf_trace_printk("first %d\n", 10, ctx[0]);
    bpf_trace_printk("second %d\n", 11, ctx[1]);
    bpf_trace_printk(table[ctx[2] & 1], sizeof(table[0]));
    return 0;
}
