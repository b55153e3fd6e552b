#include "bpf_helpers.h"

extern int not_defined_anywhere(int x);

SEC("hook/missing")
int calls_missing(int *ctx)
{
    return not_defined_anywhere(ctx[0]);
}
