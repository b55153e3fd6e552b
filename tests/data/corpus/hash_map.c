/* A hash map from 32-bit keys to small records, filled past its capacity: inserts with NOEXIST,
 * updates through the value pointer, deletes on every third hit, and re-reads. Every return code
 * (-EEXIST, -ENOENT, -E2BIG) is folded into the result. The map persists across runs. */
#include "corpus.h"

struct record {
    u64 hits;
    u32 first_offset;
    u32 last_word;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 32);
    __type(key, u32);
    __type(value, struct record);
} records SEC(".maps");

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 inserted = 0, full = 0, deleted = 0, hits = 0, other = 0;
    for (u64 i = 0; i + 4 <= len; i += 4) {
        u32 word = *(u32 *)(buf + i);
        u32 key = word % 61;
        struct record *r = bpf_map_lookup_elem(&records, &key);
        if (r) {
            hits++;
            r->hits++;
            r->last_word = word;
            if (r->hits % 3 == 0 && bpf_map_delete_elem(&records, &key) == 0)
                deleted++;
            continue;
        }
        struct record fresh = { 1, (u32)i, word };
        long rc = bpf_map_update_elem(&records, &key, &fresh, BPF_NOEXIST);
        if (rc == 0) inserted++;
        else if (rc == -7) full++;
        else other += (u64)-rc;
    }
    /* What a few keys hold now, and the codes for operations that must fail. */
    u64 acc = 0;
    for (u32 key = 0; key < 61; key += 5) {
        struct record *r = bpf_map_lookup_elem(&records, &key);
        if (r) acc = acc * 131 + r->hits + r->first_offset + r->last_word;
    }
    u32 absent = 1000;
    struct record zero = { 0, 0, 0 };
    s64 codes = bpf_map_delete_elem(&records, &absent) * 100 + bpf_map_update_elem(&records, &absent, &zero, BPF_EXIST);
    return acc ^ inserted << 48 ^ full << 40 ^ deleted << 32 ^ hits << 16 ^ other ^ (u64)codes;
}
