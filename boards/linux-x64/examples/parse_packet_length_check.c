// hook: parse_packet kind: filter
/* Fixes fw_parse_packet's overrun: the firmware trusts the packet's length byte (pkt[1], the payload
 * length after a 2-byte header) and copies that many bytes. Packets whose length byte claims more than
 * they carry are refused with -1 before the firmware sees them; the rest continue to the original. */
#include <fwpatch.h>

#define HEADER_BYTES 2
#define PARSE_ERROR (-1)

/* len arrives zero-extended in r3; taking it as u64 keeps the comparisons 64-bit, which the verifier
 * uses to bound reads of pkt. */
SEC("fw/parse_packet")
u64 parse_packet_length_check(struct fw_parse_packet_ctx *ctx, const u8 *pkt, u64 len)
{
    if (len < HEADER_BYTES)
        return FW_RETURN(PARSE_ERROR);
    if (pkt[1] > len - HEADER_BYTES)
        return FW_RETURN(PARSE_ERROR);
    return FW_CONTINUE;
}
