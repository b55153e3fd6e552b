#include "bpf_helpers.h"

u32 counter = 0x11223344;             /* .data */
const u32 limits[2] = { 100, 200 };  /* .rodata */
u64 scratch[4];                       /* .bss */

SEC("hook/globals")
int use_globals(u32 *ctx)
{
    scratch[2] = ctx[0];
    counter += limits[1];
    return counter + scratch[1];
}
