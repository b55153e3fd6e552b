/* Packet headers in 32-byte frames: IPv4-style fields at fixed offsets, big-endian, read with
 * u8/u16/u32 loads and byte swaps. Each frame is normalised in place (version 4, a sane header
 * length, a fresh header checksum stored big-endian), then dispatched on its protocol. */
#include "corpus.h"

#define FRAME 32
#define HEADER 20

static NOINLINE u16 header_checksum(const u8 *h)
{
    u32 sum = 0;
    for (int i = 0; i < HEADER; i += 2)
        if (i != 10)
            sum += __builtin_bswap16(*(const u16 *)(h + i));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (u16)~sum;
}

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 tcp = 0, udp = 0, icmp = 0, other = 0, bytes = 0, ports = 0;
    for (u64 off = 0; off + FRAME <= len; off += FRAME) {
        u8 *h = buf + off;
        h[0] = 0x45;
        u16 total = __builtin_bswap16(*(u16 *)(h + 2));
        bytes += total;
        u32 src = __builtin_bswap32(*(u32 *)(h + 12));
        u32 dst = __builtin_bswap32(*(u32 *)(h + 16));
        *(u16 *)(h + 10) = __builtin_bswap16(header_checksum(h));
        u16 sport = __builtin_bswap16(*(u16 *)(h + HEADER));
        u16 dport = __builtin_bswap16(*(u16 *)(h + HEADER + 2));
        switch (h[9] & 7) {
        case 1:
            icmp++;
            ports ^= h[HEADER];
            break;
        case 6:
            tcp++;
            ports += (u64)sport << 16 | dport;
            break;
        case 5:
            /* UDP: stored as 17, the real protocol number. */
            h[9] = 17;
            udp++;
            ports -= dport;
            break;
        default:
            other += (src ^ dst) & 0xff;
            break;
        }
    }
    return tcp << 56 ^ udp << 48 ^ icmp << 40 ^ other << 32 ^ bytes ^ ports;
}
