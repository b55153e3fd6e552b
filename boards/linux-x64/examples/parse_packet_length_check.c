// hook: parse_packet kind: filter
/* Fixes fw_parse_packet's overrun (boards/firmware/sensor_gateway.c): the firmware copies as many
 * payload bytes as the packet's length byte (pkt[1], after a 2-byte header) claims, into a 32-byte
 * slot. Packets claiming more than they carry, or more than the slot holds, are refused with -1 (the
 * firmware's own "malformed" value) before the firmware sees them; the rest continue to the original. */
#include <fwpatch.h>

#define HEADER_BYTES 2
#define PAYLOAD_MAX 32
#define MALFORMED (-1)

/* len arrives zero-extended in r3; taking it as u64 keeps the comparisons 64-bit, which the verifier
 * uses to bound reads of pkt. */
SEC("fw/parse_packet")
u64 parse_packet_length_check(struct fw_parse_packet_ctx *ctx, const u8 *pkt, u64 len)
{
    if (len < HEADER_BYTES)
        return FW_RETURN(MALFORMED);
    u8 declared = pkt[1];
    if (declared > len - HEADER_BYTES || declared > PAYLOAD_MAX)
        return FW_RETURN(MALFORMED);
    return FW_CONTINUE;
}
