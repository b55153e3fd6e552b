/*
 * The corpus programs' only header. The same source builds two ways:
 *   clang-19 -O2 -g -target bpf -mcpu=v4 -c   an eBPF object for the runtime under test;
 *   gcc -O2 with driver.c                      a native executable that computes the expected answer.
 * Under BPF the helpers are the usual numbered function pointers. Natively they are modelled here,
 * closely enough that a program observes the same values and return codes as under the runtime.
 */
#ifndef CORPUS_H
#define CORPUS_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

#define NOINLINE __attribute__((noinline))

/* Map declarations in libbpf's BTF style: the member types carry the map's shape. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_RINGBUF 27

#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2

#ifdef __bpf__

#define SEC(name) __attribute__((section(name), used))

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, u64 size, u64 flags) = (void *)130;

#else /* native */

#define SEC(name)

/* The shape of a map, read off its declaration's member types. */
#define CORPUS_SHAPE(m) \
    (int)(sizeof(*(m)->type) / sizeof(int)), (u32)(sizeof(*(m)->max_entries) / sizeof(int)), \
    (u32)sizeof(*(m)->key), (u32)sizeof(*(m)->value)
#define CORPUS_RING_SHAPE(m) BPF_MAP_TYPE_RINGBUF, (u32)(sizeof(*(m)->max_entries) / sizeof(int)), 0u, 0u

#define bpf_map_lookup_elem(m, k) corpus_lookup(corpus_state((m), CORPUS_SHAPE(m)), (k))
#define bpf_map_update_elem(m, k, v, f) corpus_update(corpus_state((m), CORPUS_SHAPE(m)), (k), (v), (f))
#define bpf_map_delete_elem(m, k) corpus_delete(corpus_state((m), CORPUS_SHAPE(m)), (k))
#define bpf_ringbuf_output(m, d, n, f) corpus_ringbuf_output(corpus_state((m), CORPUS_RING_SHAPE(m)), (d), (n), (f))

void *calloc(unsigned long count, unsigned long size);
int memcmp(const void *a, const void *b, unsigned long n);
void *memcpy(void *dst, const void *src, unsigned long n);

/* Errno values as the kernel (and the runtime) return them. */
#define CORPUS_ENOENT 2
#define CORPUS_E2BIG 7
#define CORPUS_EEXIST 17
#define CORPUS_EINVAL 22
#define CORPUS_ENOSPC 28

/*
 * One map's storage, found by the address of its declaration (a program has a few maps, so a short
 * list will do). Hash maps keep keys and values in fixed slots with a used flag, like the runtime's
 * preallocated table: a full map refuses new keys with -E2BIG.
 */
struct corpus_map {
    const void *decl;
    int type;
    u32 max_entries, key_size, value_size;
    u8 *keys, *values, *used;
    u64 ring_used;
};

static inline struct corpus_map *corpus_state(const void *decl, int type, u32 max_entries, u32 key_size, u32 value_size)
{
    static struct corpus_map maps[16];
    static int count;
    for (int i = 0; i < count; i++)
        if (maps[i].decl == decl) return &maps[i];
    struct corpus_map *m = &maps[count++];
    m->decl = decl;
    m->type = type;
    m->max_entries = max_entries;
    m->key_size = key_size;
    m->value_size = value_size;
    m->keys = calloc(max_entries, key_size ? key_size : 1);
    m->values = calloc(max_entries, value_size ? value_size : 1);
    m->used = calloc(max_entries, 1);
    return m;
}

static inline long corpus_find(struct corpus_map *m, const void *key)
{
    for (u32 i = 0; i < m->max_entries; i++)
        if (m->used[i] && memcmp(m->keys + (u64)i * m->key_size, key, m->key_size) == 0) return i;
    return -1;
}

static inline void *corpus_lookup(struct corpus_map *m, const void *key)
{
    if (m->type == BPF_MAP_TYPE_ARRAY) {
        u32 index = *(const u32 *)key;
        return index < m->max_entries ? m->values + (u64)index * m->value_size : 0;
    }
    long slot = corpus_find(m, key);
    return slot < 0 ? 0 : m->values + (u64)slot * m->value_size;
}

static inline long corpus_update(struct corpus_map *m, const void *key, const void *value, u64 flags)
{
    if (flags > BPF_EXIST) return -CORPUS_EINVAL;
    long slot;
    if (m->type == BPF_MAP_TYPE_ARRAY) {
        slot = *(const u32 *)key;
        if ((u32)slot >= m->max_entries) return -CORPUS_E2BIG;
        if (flags == BPF_NOEXIST) return -CORPUS_EEXIST;
    } else {
        slot = corpus_find(m, key);
        if (slot >= 0 && flags == BPF_NOEXIST) return -CORPUS_EEXIST;
        if (slot < 0 && flags == BPF_EXIST) return -CORPUS_ENOENT;
        if (slot < 0) {
            for (slot = 0; slot < m->max_entries && m->used[slot]; slot++) {}
            if (slot == m->max_entries) return -CORPUS_E2BIG;
            m->used[slot] = 1;
            memcpy(m->keys + (u64)slot * m->key_size, key, m->key_size);
        }
    }
    memcpy(m->values + (u64)slot * m->value_size, value, m->value_size);
    return 0;
}

static inline long corpus_delete(struct corpus_map *m, const void *key)
{
    if (m->type == BPF_MAP_TYPE_ARRAY) return -CORPUS_EINVAL;
    long slot = corpus_find(m, key);
    if (slot < 0) return -CORPUS_ENOENT;
    m->used[slot] = 0;
    return 0;
}

/* Nothing consumes the ring in these runs, so only its fill level matters: 8-byte header, data padded to 8. */
static inline long corpus_ringbuf_output(struct corpus_map *m, void *data, u64 size, u64 flags)
{
    (void)data;
    if (flags & ~3ull) return -CORPUS_EINVAL;
    u64 need = 8 + ((size + 7) & ~7ull);
    if (need > m->max_entries - m->ring_used) return -CORPUS_ENOSPC;
    m->ring_used += need;
    return 0;
}

#endif /* __bpf__ */
#endif /* CORPUS_H */
