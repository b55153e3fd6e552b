/* Bounded nested loops: two 8x8 matrices taken from the buffer (positions beyond its end hold their
 * index) multiplied element by element into a trace and a checksum. u16 elements keep both matrices
 * within the 512-byte frame. */
#include "corpus.h"

#define N 8

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u16 a[N][N], b[N][N];
    for (u32 i = 0; i < N; i++)
        for (u32 j = 0; j < N; j++) {
            u64 k = i * N + j;
            a[i][j] = k < len ? buf[k] : (u16)k;
            b[i][j] = k + 64 < len ? (u16)(buf[k + 64] * 3) : (u16)(k ^ 5);
        }
    u64 trace = 0, check = 0;
    for (u32 i = 0; i < N; i++)
        for (u32 j = 0; j < N; j++) {
            u32 sum = 0;
            for (u32 k = 0; k < N; k++)
                sum += (u32)a[i][k] * b[k][j];
            if (i == j) trace += sum;
            check = check * 7 + sum;
        }
    return trace << 32 ^ check;
}
