/* Records of varying sizes into a 4 KiB ring buffer that nobody drains: outputs succeed until the
 * ring is full, then fail with -ENOSPC; the ring persists across runs, so later runs see it full. */
#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u8 record[40];
    u64 sent = 0, refused = 0, bytes = 0;
    for (u64 i = 0; i + 40 <= len && i < 2048; i += 40) {
        u64 size = 1 + buf[i] % 40;
        for (u64 k = 0; k < 40; k++)
            record[k] = buf[i + k] ^ (u8)k;
        long rc = bpf_ringbuf_output(&events, record, size, 0);
        if (rc == 0) { sent++; bytes += size; }
        else refused += (u64)-rc;
    }
    long bad_flags = bpf_ringbuf_output(&events, record, 8, 4);
    return sent << 48 ^ refused << 24 ^ bytes ^ (u64)bad_flags << 60;
}
