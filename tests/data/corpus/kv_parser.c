/* A key=value;key="quoted \"value\"" line protocol parsed byte by byte with a switch-based state
 * machine. Rewrites keys to upper case in place and hashes keys and values separately. */
#include "corpus.h"

enum { KEY, VALUE, QUOTED, ESCAPED, SKIP };

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u64 key_hash = 0, value_hash = 0, pairs = 0, errors = 0;
    int state = KEY;
    for (u64 i = 0; i < len; i++) {
        u8 c = buf[i];
        switch (state) {
        case KEY:
            switch (c) {
            case '=': state = VALUE; break;
            case ';': case '\n': errors++; break;
            case ' ': break;
            default:
                if (c >= 'a' && c <= 'z') buf[i] = c - 32;
                key_hash = key_hash * 131 + buf[i];
                break;
            }
            break;
        case VALUE:
            if (c == '"') state = QUOTED;
            else if (c == ';' || c == '\n') { pairs++; state = KEY; }
            else value_hash = (value_hash ^ c) * 0x100000001b3ull;
            break;
        case QUOTED:
            if (c == '\\') state = ESCAPED;
            else if (c == '"') state = SKIP;
            else value_hash = (value_hash ^ c) * 0x100000001b3ull;
            break;
        case ESCAPED:
            value_hash = (value_hash ^ (c | 0x100)) * 0x100000001b3ull;
            state = QUOTED;
            break;
        case SKIP:
            if (c == ';' || c == '\n') { pairs++; state = KEY; }
            else if (c != ' ') errors++;
            break;
        }
    }
    return pairs << 48 ^ errors << 32 ^ key_hash ^ value_hash ^ (u64)state;
}
