/* hook_points.h: the fixed hook points the sample firmware calls at the entry of each hookable function
 * (as RapidPatch does on MCUs). Each builds the hook's context and the memory it grants (board.json),
 * and asks the stub to run the patch attached there. Returns 1 when the patch decided the result. */
#ifndef HOOK_POINTS_H
#define HOOK_POINTS_H

#include <stdint.h>

int fw_hook_parse_packet(const uint8_t *pkt, uint32_t len, int32_t *result);
int fw_hook_calibrate(int32_t raw, int32_t *result);

#endif
