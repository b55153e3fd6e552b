#include "bpf_helpers.h"

/* No SEC(): clang puts the function in .text and the object has no other code. */
int plain(int *ctx)
{
    return ctx[0] + 41;
}
