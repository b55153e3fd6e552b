// hook: calibrate kind: filter
/* A disconnected sensor reads as 0 or as the ADC's full scale (4095): answer with the error value
 * -32768 for those instead of calibrating garbage; real readings continue to the original. */
#include <fwpatch.h>

#define ADC_FULL_SCALE 4095
#define SENSOR_ERROR (-32768)

SEC("fw/calibrate")
u64 calibrate_clamp(struct fw_calibrate_ctx *ctx)
{
    if (ctx->raw <= 0 || ctx->raw >= ADC_FULL_SCALE)
        return FW_RETURN(SENSOR_ERROR);
    return FW_CONTINUE;
}
