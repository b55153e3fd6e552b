// hook: calibrate kind: replace
/* Replaces fw_calibrate: raw ADC counts to tenths of a degree Celsius. The shipped formula forgot the
 * sensor's offset; the datasheet says T = raw * 5 / 8 - 400 (tenths of a degree). */
#include <fwpatch.h>

SEC("fw/calibrate")
s64 calibrate_fix(struct fw_calibrate_ctx *ctx)
{
    s32 raw = ctx->raw;
    return raw * 5 / 8 - 400;
}
