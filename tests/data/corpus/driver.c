/*
 * Native harness for a corpus program: runs entry() on each input file in turn, in one process, so
 * globals and maps carry over from one run to the next exactly as they do in one program instance.
 * Prints, per input, r0 and the FNV-1a 64 hash of the buffer after the run, both in hex.
 */
#include <stdio.h>
#include <stdlib.h>

typedef unsigned char u8;
typedef unsigned long long u64;

u64 entry(u8 *buf, u64 len);

static u8 *read_file(const char *path, u64 *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* At least one byte, so an empty input still gets a distinct allocation. */
    u8 *buf = malloc(size > 0 ? size : 1);
    if (!buf || fread(buf, 1, size, f) != (size_t)size) { perror(path); exit(2); }
    fclose(f);
    *len = (u64)size;
    return buf;
}

static u64 fnv1a64(const u8 *data, u64 len)
{
    u64 hash = 0xcbf29ce484222325ull;
    for (u64 i = 0; i < len; i++)
        hash = (hash ^ data[i]) * 0x100000001b3ull;
    return hash;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        u64 len;
        u8 *buf = read_file(argv[i], &len);
        u64 result = entry(buf, len);
        printf("%llx %llx\n", result, fnv1a64(buf, len));
        free(buf);
    }
    return 0;
}
