/* Benchmark: a byte-driven state machine (a switch on the state, then on the byte's class) that
 * splits the input into words, numbers and punctuation, with an FNV-1a hash over every byte. */
#include "corpus.h"

enum { IDLE, WORD, NUMBER, PUNCT };

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 hash = 0xcbf29ce484222325ull;
    u32 words = 0, numbers = 0, puncts = 0;
    int state = IDLE;
    for (u64 i = 0; i < len; i++) {
        u8 c = buf[i];
        hash = (hash ^ c) * 0x100000001b3ull;
        int class = c < 0x30 ? PUNCT : c < 0x3a ? NUMBER : c < 0x41 ? PUNCT : c < 0x80 ? WORD : IDLE;
        switch (state) {
        case IDLE:
            state = class;
            break;
        case WORD:
            if (class != WORD) { words++; state = class; }
            break;
        case NUMBER:
            if (class == WORD) { state = WORD; }
            else if (class != NUMBER) { numbers++; state = class; }
            break;
        case PUNCT:
            if (class != PUNCT) { puncts++; state = class; }
            break;
        }
    }
    return hash ^ (u64)words << 40 ^ (u64)numbers << 20 ^ puncts;
}
