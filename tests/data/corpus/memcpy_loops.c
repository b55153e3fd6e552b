/* memcpy/memmove/memset-like loops written so clang keeps them as loops (a plain copy or fill would
 * become a libc call, which eBPF cannot make): a rotating copy into the stack, an overlapping
 * backward move within the buffer, a strcpy-like copy that stops at NUL, and a patterned fill. */
#include "corpus.h"

#define SCRATCH 128

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 scratch[SCRATCH];
    u64 n = len < SCRATCH ? len : SCRATCH;
    u64 acc = 0;

    /* Copy with a rotation by 5: element i lands in slot (i + 5) mod SCRATCH. */
    for (u64 i = 0; i < SCRATCH; i++)
        scratch[i] = (u8)i;
    for (u64 i = 0; i < n; i++)
        scratch[(i + 5) & (SCRATCH - 1)] = buf[i];

    /* memmove(buf + shift, buf, len - shift), overlapping, so copied back to front. */
    u64 shift = len / 3;
    for (u64 i = len; i > shift; i--)
        buf[i - 1] = buf[i - 1 - shift];

    /* strcpy from the scratch copy into the buffer's start, stopping at NUL or the end. */
    u64 copied = 0;
    for (; copied < n; copied++) {
        u8 c = scratch[copied];
        buf[copied] = c;
        if (c == 0) break;
    }

    /* A fill with a pattern that depends on the position. */
    for (u64 i = copied; i < n; i++)
        buf[i] = (u8)(i * 7 + 1);

    for (u64 i = 0; i < SCRATCH; i++)
        acc = acc * 257 + scratch[i];
    return acc ^ copied << 56 ^ shift;
}
