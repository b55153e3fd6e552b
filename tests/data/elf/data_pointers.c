#include "bpf_helpers.h"

/* The array holds the addresses of two strings: .data gets relocations the loader cannot honour. */
const char *names[] = { "alpha", "beta" };

SEC("hook/pointers")
int first_letter(int *ctx)
{
    return names[ctx[0] & 1][0];
}
