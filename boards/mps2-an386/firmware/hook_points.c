/* hook_points.c: see hook_points.h. The contexts are the boards' (docs/boards.md): struct
 * fw_parse_packet_ctx {u64 pkt; u32 len;} and struct fw_calibrate_ctx {s32 raw;}; a region grants only the
 * fields board.json lets a patch read, so the pointer field of parse_packet's context is not readable. */
#include "hook_points.h"

#include "patch_stub.h"

int fw_hook_parse_packet(const uint8_t *pkt, uint32_t len, int32_t *result)
{
    struct {
        uint64_t pkt;
        uint32_t len, pad;
    } ctx = {(uint32_t)pkt, len, 0};
    const struct fw_region regions[] = {
        {(uint32_t)&ctx.len, sizeof ctx.len, FW_READ},
        {(uint32_t)pkt, len, FW_READ},
    };
    return stub_run(HOOK_PARSE_PACKET, regions, 2, (uint32_t)&ctx, (uint32_t)pkt, len, result);
}

int fw_hook_calibrate(int32_t raw, int32_t *result)
{
    int32_t ctx = raw;
    const struct fw_region regions[] = {{(uint32_t)&ctx, sizeof ctx, FW_READ}};
    return stub_run(HOOK_CALIBRATE, regions, 1, (uint32_t)&ctx, (uint32_t)raw, 0, result);
}
